import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { actorRequests, eventTypes, ids, partOf, en, incidentNaming, person, tribe, uniqueName } from './support/actor-requests.js';

let t: TestApp;
let api: ReturnType<typeof actorRequests>;
beforeAll(async () => {
  t = await openTestApp();
  api = actorRequests(t);
});
afterAll(() => t.close());


/** A survivor, and a duplicate of it with a name only the duplicate has, merged into it. */
async function mergedDuplicate() {
  const survivor = await api.register();
  const ownAlias = uniqueName('Clan');
  const duplicate = await api.register(tribe(uniqueName('Tribe')));
  await api.command(duplicate, 'aliases', en(ownAlias, 'alias')).expect(200);
  await api.command(duplicate, 'merge', { survivorId: survivor, reason: 'The same tribe registered twice.' }).expect(200);
  return { survivor, duplicate, ownAlias };
}

describe('merges', () => {
  it("finds the survivor, not the duplicate, by the duplicate's own alias", async () => {
    const { survivor, ownAlias } = await mergedDuplicate();
    expect(await api.search(ownAlias)).toEqual([survivor]);
  });

  it('shows the duplicate as merged into the survivor', async () => {
    const { survivor, duplicate } = await mergedDuplicate();
    expect(await api.get(duplicate)).toMatchObject({ id: duplicate, mergedInto: survivor, survivorId: survivor });
    expect(await api.get(survivor)).not.toHaveProperty('mergedInto');
    const listed = (await api.http().get('/actors').query({ kind: 'tribe', limit: 100 }).expect(200)).body;
    expect(ids(listed)).not.toContain(duplicate);
  });

  it('stores an incident that names the duplicate by id, and reads it as the survivor', async () => {
    const { survivor, duplicate } = await mergedDuplicate();
    const incident = await api.recordIncident([{ actorId: duplicate, role: 'accused' }]);
    expect(incident.actors).toEqual([
      expect.objectContaining({ actorId: duplicate, role: 'accused', registryActor: expect.objectContaining({ id: survivor }) }),
    ]);
  });

  it('resolves a name only the duplicate had to the survivor', async () => {
    const { survivor, ownAlias } = await mergedDuplicate();
    const incident = await api.recordIncident([{ name: ownAlias, role: 'victim' }]);
    expect(incident.actors[0]).toMatchObject({
      name: ownAlias,
      actorId: survivor,
      resolution: { status: 'resolved', matchedName: ownAlias, score: 1 },
    });
  });

  it('refuses every change to the merged duplicate with 409 merged', async () => {
    const { survivor, duplicate } = await mergedDuplicate();
    const other = await api.register();
    const changes: [string, object][] = [
      ['aliases', en(uniqueName('Clan'), 'alias')],
      ['renames', { value: uniqueName('Tribe'), language: 'en' }],
      ['parent', { parent: partOf(other) }],
      ['merge', { survivorId: other, reason: 'again' }],
    ];
    for (const [path, body] of changes) {
      const response = await api.refused(() => api.command(duplicate, path, body), 409);
      expect(response.body).toMatchObject({ code: 'merged', detail: expect.stringContaining(survivor) });
    }
  });

  it('resolves through a chain of merges: A into B, then B into C, and A reads as C', async () => {
    const [a, b, c] = [await api.register(), await api.register(), await api.register()];
    await api.command(a, 'merge', { survivorId: b, reason: 'A duplicates B.' }).expect(200);
    await api.command(b, 'merge', { survivorId: c, reason: 'B duplicates C.' }).expect(200);

    expect(await api.get(a)).toMatchObject({ mergedInto: b, survivorId: c });
    expect(await api.get(b)).toMatchObject({ mergedInto: c, survivorId: c });
  });

  it('undoes a merge: the duplicate stands alone again, and the history keeps both', async () => {
    const { survivor, duplicate, ownAlias } = await mergedDuplicate();

    await api.command(duplicate, 'merge/undo', { reason: 'Two different clans.' }).expect(200);

    expect(await api.search(ownAlias)).toEqual([duplicate]);
    const actor = await api.get(duplicate);
    expect(actor.survivorId).toBe(duplicate);
    expect(actor).not.toHaveProperty('mergedInto');
    const history = await api.history(duplicate);
    expect(eventTypes(history).slice(-2)).toEqual(['actor.merged_into', 'actor.unmerged']);
    expect(history.at(-1)).toMatchObject({ data: { survivorId: survivor, reason: 'Two different clans.' } });
  });

  it('refuses merging into a merged actor, into itself, into nobody, and undoing no merge', async () => {
    const { duplicate } = await mergedDuplicate();
    const other = await api.register();
    const merge = (survivorId: string) => () => api.command(other, 'merge', { survivorId, reason: 'x' });

    expect((await api.refused(merge(duplicate), 409)).body).toMatchObject({ code: 'survivor_merged' });
    expect((await api.refused(merge(other), 409)).body).toMatchObject({ code: 'merge_into_self' });
    expect((await api.refused(merge(randomUUID()), 422)).body).toMatchObject({ code: 'unknown_actor' });
    const undo = await api.refused(() => api.command(other, 'merge/undo', { reason: 'x' }), 409);
    expect(undo.body).toMatchObject({ code: 'not_merged' });
  });

  it('refuses merging an actor into one of its own parts with 409 merge_into_part', async () => {
    const tribeId = await api.register();
    const sheikh = await api.register(person(uniqueName('Sheikh'), { actorId: tribeId, relation: 'leader_of' }));
    const response = await api.refused(() => api.command(tribeId, 'merge', { survivorId: sheikh, reason: 'x' }), 409);
    expect(response.body).toMatchObject({ code: 'merge_into_part' });
  });

  it('never lets the undoing of a merge close a parent cycle', async () => {
    // X belongs to D, D to Y. While D is merged into S, X reads as belonging to S, so Y may take X
    // as its parent; undoing the merge then puts D back between X and Y.
    const [s, y] = [await api.register(), await api.register()];
    const d = await api.register(tribe(uniqueName('Tribe'), { parent: partOf(y) }));
    const x = await api.register(tribe(uniqueName('Tribe'), { parent: partOf(d) }));
    await api.command(d, 'merge', { survivorId: s, reason: 'Same tribe.' }).expect(200);

    const steps = [await api.setParent(y, x), await api.command(d, 'merge/undo', { reason: 'Two tribes after all.' })];

    const chain = ids((await api.get(x)).parentChain);
    expect(chain.indexOf(x)).toBe(-1);
    expect(chain.length).toBeLessThanOrEqual(2);
    expect(steps.map((step) => step.status)).toContainEqual(409);
  });
});

describe('incidents naming actors', () => {
  it('refuses an actorId nobody registered with 422, and records nothing', async () => {
    const unknown = randomUUID();
    const body = incidentNaming([{ actorId: unknown, role: 'perpetrator' }]);
    const response = await api.refused(() => api.http().post('/incidents').send(body), 422);
    expect(response.body).toMatchObject({ code: 'unknown_actor' });
    expect(response.body.errors[0]).toEqual({ path: 'actors[0].actorId', message: expect.stringContaining(unknown) });
  });

  it('keeps a name two actors share unresolved, with both as candidates', async () => {
    const shared = uniqueName('Tribe');
    const [first, second] = [await api.register(tribe(shared)), await api.register(tribe(shared))];

    const incident = await api.recordIncident([{ name: shared, role: 'target' }]);

    const [actor] = incident.actors;
    expect(actor).not.toHaveProperty('actorId');
    expect(actor!.resolution.status).toBe('unresolved');
    expect(actor!.resolution.candidates.map((candidate: { actorId: string }) => candidate.actorId).sort()).toEqual(
      [first, second].sort(),
    );
  });

  it('links a name kept as reported to the registry later, as identified', async () => {
    const reported = uniqueName('Sheikh');
    const incident = await api.recordIncident([{ name: reported, role: 'victim' }]);
    // Kept as reported. Other tests' random names in this database may come up as faint candidates.
    expect(incident.actors[0]).toMatchObject({ name: reported, resolution: { status: 'unresolved' } });
    expect(incident.actors[0].actorId).toBeUndefined();
    const sheikh = await api.register(person(uniqueName('Sheikh')));

    await api
      .http()
      .post(`/incidents/${incident.id}/actors/identifications`)
      .send({ actor: { name: reported, role: 'victim' }, actorId: sheikh, reason: 'A second report names him.' })
      .expect(200);

    const after = (await api.http().get(`/incidents/${incident.id}`).expect(200)).body;
    expect(after.actors).toEqual([
      expect.objectContaining({ name: reported, actorId: sheikh, resolution: { status: 'identified' } }),
    ]);
  });

  it('refuses to identify a name with an actorId nobody registered, with 422', async () => {
    const reported = uniqueName('Sheikh');
    const incident = await api.recordIncident([{ name: reported, role: 'victim' }]);
    const body = { actor: { name: reported, role: 'victim' }, actorId: randomUUID(), reason: 'x' };
    const identify = () => api.http().post(`/incidents/${incident.id}/actors/identifications`).send(body);

    const response = await api.refused(identify, 422);

    expect(response.body).toMatchObject({ code: 'unknown_actor', errors: [expect.objectContaining({ path: 'actorId' })] });
    const after = (await api.http().get(`/incidents/${incident.id}`).expect(200)).body;
    expect(after.actors[0]).not.toHaveProperty('actorId');
  });
});

