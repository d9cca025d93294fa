import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { actorRequests, eventTypes, ids, partOf, en, person, tribe, uniqueName } from './support/actor-requests.js';

let t: TestApp;
let api: ReturnType<typeof actorRequests>;
beforeAll(async () => {
  t = await openTestApp();
  api = actorRequests(t);
});
afterAll(() => t.close());


describe('POST /actors and GET /actors/:id', () => {
  it('registers an actor and answers 201 with where it lives and its version', async () => {
    const name = uniqueName('Tribe');
    const response = await api.http().post('/actors').send(tribe(name)).expect(201);

    expect(response.body).toEqual({ id: expect.any(String), version: 1, position: expect.any(Number) });
    expect(response.headers.location).toBe(`/actors/${response.body.id}`);
    expect(response.headers.etag).toBe('"1"');
    expect(await api.get(response.body.id)).toMatchObject({
      id: response.body.id,
      kind: 'tribe',
      displayName: name,
      names: [en(name)],
      acledInter: 4,
      parentChain: [],
      survivorId: response.body.id,
      version: 1,
    });
  });

  it('shows every name of the actor, primary names first', async () => {
    const arabic = { value: 'عشيرة البكير', language: 'ar', kind: 'primary' };
    const name = uniqueName('Clan');
    const id = await api.register({ kind: 'tribe', names: [en(`${name}i`, 'alias'), arabic, en(name)] });
    const actor = await api.get(id);
    expect(actor.displayName).toBe(name);
    expect(actor.names).toEqual([arabic, en(name), en(`${name}i`, 'alias')]);
    expect(actor).not.toHaveProperty('acledInter');
  });

  it("shows a sheikh's parent chain: the tribe he leads", async () => {
    const tribeName = uniqueName('Tribe');
    const tribeId = await api.register(tribe(tribeName));
    const leader = { actorId: tribeId, relation: 'leader_of', title: 'sheikh' };
    const sheikhId = await api.register(person(uniqueName('Sheikh'), leader));

    expect((await api.get(sheikhId)).parentChain).toEqual([
      { id: tribeId, displayName: tribeName, kind: 'tribe', relation: 'leader_of', title: 'sheikh' },
    ]);
    expect((await api.get(tribeId)).parentChain).toEqual([]);
  });

  it('follows a parent chain three levels up, nearest first', async () => {
    const coalition = await api.register({ kind: 'international_coalition', names: [en(uniqueName('Coalition'))] });
    const command = await api.register({ kind: 'state_force', names: [en(uniqueName('Command'))], parent: partOf(coalition) });
    const spokesman = await api.register(person(uniqueName('Colonel'), { actorId: command, relation: 'spokesperson_of' }));

    const chain = (await api.get(spokesman)).parentChain;
    expect(chain.map(({ id, relation }) => ({ id, relation }))).toEqual([
      { id: command, relation: 'spokesperson_of' },
      { id: coalition, relation: 'part_of' },
    ]);
    expect(chain[1]).toMatchObject({ kind: 'international_coalition' });
  });

  it('lists the history in order, each event with who made it, by the name of its key', async () => {
    const id = (await (await t.as('analyst@example.org', 'editor')).post('/actors').send(tribe()).expect(201)).body.id;
    await (await t.as('editor-1', 'editor')).post(`/actors/${id}/aliases`).send(en(uniqueName('Clan'), 'alias')).expect(200);

    const history = await api.history(id);
    expect(eventTypes(history)).toEqual(['actor.registered', 'actor.alias_added']);
    expect(history[0]).toMatchObject({ version: 1, data: { id, kind: 'tribe' }, metadata: { actor: 'analyst@example.org', role: 'editor' } });
    expect(history[1]).toMatchObject({ version: 2, metadata: { actor: 'editor-1', requestId: expect.any(String) } });
  });

  it('answers 404 for an actor nobody registered, to reads and to commands', async () => {
    const unknown = randomUUID();
    expect((await api.refused(() => api.http().get(`/actors/${unknown}`), 404)).body).toMatchObject({ title: 'No such actor' });
    await api.refused(() => api.http().get(`/actors/${unknown}/history`), 404);
    await api.refused(() => api.command(unknown, 'aliases', en('Nobody', 'alias')), 404);
    await api.refused(() => api.command(unknown, 'merge/undo', { reason: 'x' }), 404);
  });
});

describe('Idempotency-Key on POST /actors', () => {
  it('answers a retry with the same actor and records one event', async () => {
    const body = tribe();
    const before = await api.eventCount();
    const first = await api.http().post('/actors').set('Idempotency-Key', 'register-1').send(body).expect(201);
    const retry = await api.http().post('/actors').set('Idempotency-Key', 'register-1').send(body).expect(201);

    expect(retry.body).toEqual(first.body);
    expect(await api.eventCount()).toBe(before + 1);
    expect(await api.search(body.names[0]!.value)).toEqual([first.body.id]);
  });

  it('refuses the same key for another body with 422', async () => {
    await api.http().post('/actors').set('Idempotency-Key', 'register-2').send(tribe()).expect(201);
    await api.refused(() => api.http().post('/actors').set('Idempotency-Key', 'register-2').send(tribe()), 422);
  });
});

describe('aliases', () => {
  it('finds the actor by an alias the moment it is added', async () => {
    const id = await api.register();
    const alias = uniqueName('Clan');
    expect(await api.search(alias)).toEqual([]);

    const response = await api.command(id, 'aliases', { value: alias, language: 'en', kind: 'transliteration' }).expect(200);

    expect(response.body).toEqual({ id, version: 2, position: expect.any(Number) });
    expect(response.headers.etag).toBe('"2"');
    expect(await api.search(alias)).toEqual([id]);
    expect((await api.get(id)).names).toContainEqual(en(alias, 'transliteration'));
  });

  it('refuses a name the actor already has with 409 duplicate_name', async () => {
    const name = uniqueName('Tribe');
    const id = await api.register(tribe(name));
    const alias = uniqueName('Clan');
    await api.command(id, 'aliases', en(alias, 'alias')).expect(200);

    const again = await api.refused(() => api.command(id, 'aliases', en(alias, 'abbreviation')), 409);
    expect(again.body).toMatchObject({ code: 'duplicate_name' });
    const primary = await api.refused(() => api.command(id, 'aliases', en(` ${name} `, 'alias')), 409);
    expect(primary.body).toMatchObject({ code: 'duplicate_name' });
  });

  it('no longer finds the actor by an alias once it is removed', async () => {
    const id = await api.register();
    const alias = uniqueName('Clan');
    await api.command(id, 'aliases', en(alias, 'alias')).expect(200);

    await api.command(id, 'aliases/removals', { value: alias, language: 'en', reason: 'A misreading.' }).expect(200);

    expect(await api.search(alias)).not.toContain(id);
    expect((await api.get(id)).names.map((name) => name.value)).not.toContain(alias);
    expect((await api.history(id)).at(-1)).toMatchObject({
      type: 'actor.alias_removed',
      data: { name: en(alias, 'alias'), reason: 'A misreading.' },
    });
  });

  it('refuses to remove a primary name, or a name the actor lacks, with 409', async () => {
    const name = uniqueName('Tribe');
    const id = await api.register(tribe(name));

    const primary = await api.refused(() => api.command(id, 'aliases/removals', { value: name, language: 'en' }), 409);
    expect(primary.body).toMatchObject({ code: 'primary_name' });
    const absent = await api.refused(() => api.command(id, 'aliases/removals', { value: name, language: 'ar' }), 409);
    expect(absent.body).toMatchObject({ code: 'name_not_present' });
    expect(await api.search(name)).toEqual([id]);
  });
});

describe('renames', () => {
  it('makes the new name primary, and the old one still finds the actor', async () => {
    const [before, after] = [uniqueName('Tribe'), uniqueName('Tribe')];
    const id = await api.register(tribe(before));

    await api.command(id, 'renames', { value: after, language: 'en', reason: 'The tribe is known so.' }).expect(200);

    const actor = await api.get(id);
    expect(actor.displayName).toBe(after);
    expect(actor.names).toEqual([en(after), en(before, 'alias')]);
    expect(await api.search(before)).toEqual([id]);
    expect(await api.search(after)).toEqual([id]);
  });

  it('refuses the name that already is primary with 409 nothing_to_change', async () => {
    const name = uniqueName('Tribe');
    const id = await api.register(tribe(name));
    const response = await api.refused(() => api.command(id, 'renames', { value: name, language: 'en' }), 409);
    expect(response.body).toMatchObject({ code: 'nothing_to_change' });
  });
});

describe('parents', () => {
  it('sets a parent, then clears it with null', async () => {
    const [tribeId, sheikhId] = [await api.register(), await api.register(person(uniqueName('Sheikh')))];

    await api.command(sheikhId, 'parent', { parent: { actorId: tribeId, relation: 'member_of' } }).expect(200);
    expect((await api.get(sheikhId)).parentChain).toEqual([expect.objectContaining({ id: tribeId, relation: 'member_of' })]);

    await api.command(sheikhId, 'parent', { parent: null, reason: 'He left the tribe.' }).expect(200);
    expect((await api.get(sheikhId)).parentChain).toEqual([]);
    expect((await api.history(sheikhId)).at(-1)).toMatchObject({ type: 'actor.parent_changed', data: { parent: null } });
  });

  it('refuses a parent that would close a cycle with 409 parent_cycle', async () => {
    const force = await api.register({ kind: 'armed_group', names: [en(uniqueName('Force'))] });
    const unit = await api.register({ kind: 'militia', names: [en(uniqueName('Unit'))], parent: partOf(force) });
    const squad = await api.register({ kind: 'militia', names: [en(uniqueName('Squad'))], parent: partOf(unit) });

    const cycle = await api.refused(() => api.setParent(force, squad), 409);
    expect(cycle.body).toMatchObject({ code: 'parent_cycle' });
    const self = await api.refused(() => api.setParent(force, force), 409);
    expect(self.body).toMatchObject({ code: 'parent_cycle' });
    expect((await api.get(force)).parentChain).toEqual([]);
  });

  it('refuses an unregistered parent with 422 unknown_actor, on registering and on changing', async () => {
    const missing = { actorId: randomUUID(), relation: 'member_of' };
    const onRegister = await api.refused(() => api.http().post('/actors').send(person(uniqueName('Sheikh'), missing)), 422);
    expect(onRegister.body).toMatchObject({ code: 'unknown_actor', detail: expect.stringContaining(missing.actorId) });

    const sheikh = await api.register(person(uniqueName('Sheikh')));
    const onChange = await api.refused(() => api.command(sheikh, 'parent', { parent: missing }), 422);
    expect(onChange.body).toMatchObject({ code: 'unknown_actor' });
  });

  it('refuses a body that leaves out the parent with 400, keeping the parent', async () => {
    const tribeId = await api.register();
    const sheikh = await api.register(person(uniqueName('Sheikh'), { actorId: tribeId, relation: 'leader_of' }));

    const response = await api.refused(() => api.command(sheikh, 'parent', { reason: 'no parent given' }), 400);

    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'parent' })]);
    expect(ids((await api.get(sheikh)).parentChain)).toEqual([tribeId]);
  });
});

describe('If-Match', () => {
  it('refuses a stale version with 412, and takes the current one', async () => {
    const id = await api.register();
    await api.command(id, 'aliases', en(uniqueName('Clan'), 'alias')).expect(200);

    const addAlias = () => api.command(id, 'aliases', en(uniqueName('Clan'), 'alias'));

    const stale = await api.refused(() => addAlias().set('If-Match', '"1"'), 412);
    expect(stale.body).toMatchObject({ currentVersion: 2 });

    const current = await addAlias().set('If-Match', '"2"').expect(200);
    expect(current.headers.etag).toBe('"3"');
    expect((await api.get(id)).version).toBe(3);
  });
});

describe('refused requests: 400 field by field, and nothing written', () => {
  const cases: [string, object, string][] = [
    ['an unknown kind', { kind: 'dragon' }, 'kind'],
    ['no names', { names: [] }, 'names'],
    ['a name whose language is no language tag', { names: [{ ...en('Akidat'), language: 'English' }] }, 'names[0].language'],
    ['a blank name', { names: [en('  ')] }, 'names[0].value'],
    ['a name of tatweel and invisible marks only', { names: [en('ـــ\u200f')] }, 'names[0].value'],
    ['a language tag thousands of characters long', { names: [{ ...en('Akidat'), language: `en-${'x'.repeat(6000)}` }] }, 'names[0].language'],
    ['ACLED code 9', { acledInter: 9 }, 'acledInter'],
    ['an unknown field', { colour: 'red' }, 'colour'],
    ['a parent id that is not a UUID', { parent: { actorId: 'akidat', relation: 'member_of' } }, 'parent.actorId'],
    ['an unknown parent relation', { parent: { actorId: randomUUID(), relation: 'cousin_of' } }, 'parent.relation'],
  ];

  it.each(cases)('POST /actors with %s', async (_, spoil, path) => {
    const response = await api.refused(() => api.http().post('/actors').send({ ...tribe(), ...spoil }), 400);
    expect(response.body).toMatchObject({ title: 'Invalid request' });
    expect(response.body.errors).toEqual([{ path, message: expect.any(String) }]);
  });

  it('reports every bad field at once', async () => {
    const response = await api.refused(() => api.http().post('/actors').send({ kind: 'dragon', names: [], acledInter: 9 }), 400);
    expect(response.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['acledInter', 'kind', 'names']);
  });

  it('refuses an alias of kind primary, and a merge into something that is no id', async () => {
    const id = await api.register();
    const alias = await api.refused(() => api.command(id, 'aliases', en(uniqueName('Clan'), 'primary')), 400);
    expect(alias.body.errors).toEqual([expect.objectContaining({ path: 'kind' })]);
    const merge = await api.refused(() => api.command(id, 'merge', { survivorId: 'akidat', reason: 'x' }), 400);
    expect(merge.body.errors).toEqual([expect.objectContaining({ path: 'survivorId' })]);
  });

  it('refuses a malformed id in the URL', async () => {
    const requests = [() => api.http().get('/actors/akidat'), () => api.command('akidat', 'aliases', en('Egaidat', 'alias'))];
    for (const send of requests) {
      const response = await api.refused(send, 400);
      expect(response.body.errors).toEqual([{ path: 'id', message: expect.stringContaining('UUID') }]);
    }
  });

  it('refuses names that break the rules of names with 422, naming the rule and the field', async () => {
    const refusals: [object[], string][] = [
      [[en(uniqueName('Tribe'), 'alias')], 'no_primary_name'],
      [[en(uniqueName('Tribe')), en(uniqueName('Tribe'))], 'two_primary_names'],
    ];
    for (const [names, code] of refusals) {
      const response = await api.refused(() => api.http().post('/actors').send({ kind: 'tribe', names }), 422);
      expect(response.body).toMatchObject({ code, errors: [{ path: 'names', message: expect.any(String) }] });
    }
  });
});
