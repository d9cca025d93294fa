import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { recordWorkedExample } from '../../src/demo/run-demo.js';
import { WORKED_EXAMPLE_ACTOR_IDS as ACTORS } from '../../src/demo/worked-example-actors.js';
import { WORKED_EXAMPLE_IDS as INCIDENTS } from '../../src/demo/worked-example.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
  await recordWorkedExample(t.app.get(CommandBus));
});
afterAll(() => t.close());

const http = () => t.http();
const search = async (q: string, query: Record<string, string> = {}) =>
  (await http().get('/actors').query({ q, ...query }).expect(200)).body as { id: string; score: number }[];

describe('GET /actors?q= with the worked example loaded', () => {
  it.each([
    ['Akidat', ACTORS.akidat],
    ['Egaidat', ACTORS.akidat],
    ['Aqeedat', ACTORS.akidat],
    ['Al-Akidat', ACTORS.akidat],
    ['العكيدات', ACTORS.akidat],
    ['عشيرة العكيدات', ACTORS.akidat],
    ['مُطَشّر', ACTORS.alHafl],
    ['مطشر الهفل', ACTORS.alHafl],
    ['Mutashar', ACTORS.alHafl],
    ['Caggins', ACTORS.caggins],
    ['كاكينز', ACTORS.caggins],
    ['قسد', ACTORS.sdf],
    ['SDF', ACTORS.sdf],
    ['Daesh', ACTORS.isis],
    ['داعش', ACTORS.isis],
    ['Turkiye', ACTORS.turkey],
  ])('"%s" finds the right actor first', async (q, expected) => {
    const [first] = await search(q);
    expect(first?.id).toBe(expected);
  });

  it('ranks the better match first and says which name matched', async () => {
    const results = (await http().get('/actors').query({ q: 'SDF' }).expect(200)).body;
    expect(results.map((actor: { id: string }) => actor.id).slice(0, 2)).toEqual([ACTORS.sdf, ACTORS.sdfCommand]);
    expect(results[0]).toMatchObject({ matchedName: { value: 'SDF', language: 'en', kind: 'abbreviation' }, score: 1 });
  });

  it('filters by kind and limits the list', async () => {
    const people = (await http().get('/actors').query({ kind: 'person', limit: 2 }).expect(200)).body;
    expect(people).toHaveLength(2);
    expect(people.every((actor: { kind: string }) => actor.kind === 'person')).toBe(true);
    expect(await search('Akidat', { kind: 'person' })).not.toContainEqual(expect.objectContaining({ id: ACTORS.akidat }));
  });

  it('finds nothing for a name nobody has', async () => {
    expect(await search('Zzyzx Qwertyuiop')).toEqual([]);
  });

  it('finds nothing, rather than everything, for a search that folds to nothing', async () => {
    expect(await search('al')).toEqual([]);
    expect(await search('!!!')).toEqual([]);
    expect((await http().get('/places').query({ q: 'al-' }).expect(200)).body).toEqual([]);
  });

  it('answers 400 field by field for a bad query', async () => {
    const response = await http().get('/actors').query({ kind: 'dragon', limit: 1000 }).expect(400);
    expect(response.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['kind', 'limit']);
  });
});

describe('the worked example incidents name actors as reported', () => {
  it('links a confidently resolved name to the registry and says how', async () => {
    const incident = (await http().get(`/incidents/${INCIDENTS.assassination}`).expect(200)).body;
    expect(incident.actors).toContainEqual(
      expect.objectContaining({
        name: 'الشيخ مطشر الهفل',
        actorId: ACTORS.alHafl,
        resolution: { status: 'resolved', matchedName: 'الشيخ مطشر الهفل', score: 1 },
      }),
    );
  });

  it('keeps a name that matches no actor as reported, flagged unresolved', async () => {
    const incident = (await http().get(`/incidents/${INCIDENTS.pattern}`).expect(200)).body;
    const notables = incident.actors.find((actor: { name: string }) => actor.name === 'وجهاء عشائر من دير الزور');
    expect(notables.actorId).toBeUndefined();
    expect(notables.resolution.status).toBe('unresolved');
  });
});

describe('a merged duplicate, everywhere it is referenced', () => {
  it('reads as its survivor in an incident that names the duplicate by id', async () => {
    const duplicate = (
      await http()
        .post('/actors')
        .send({ kind: 'tribe', names: [{ value: 'Ogaidat confederation', language: 'en', kind: 'primary' }] })
        .expect(201)
    ).body.id;
    await http()
      .post(`/incidents/${INCIDENTS.demand}/actors`)
      .send({ actor: { actorId: duplicate, role: 'accuser' } })
      .expect(200);
    const before = (await http().get(`/incidents/${INCIDENTS.demand}`).expect(200)).body;
    expect(before.actors).toContainEqual(expect.objectContaining({ actorId: duplicate, registryActor: expect.objectContaining({ id: duplicate }) }));

    await http().post(`/actors/${duplicate}/merge`).send({ survivorId: ACTORS.akidat, reason: 'Same tribe.' }).expect(200);

    const after = (await http().get(`/incidents/${INCIDENTS.demand}`).expect(200)).body;
    expect(after.actors).toContainEqual(
      expect.objectContaining({ actorId: duplicate, registryActor: { id: ACTORS.akidat, displayName: 'Al-Akidat', kind: 'tribe' } }),
    );
    expect((await search('Ogaidat confederation'))[0]?.id).toBe(ACTORS.akidat);
  });
});

describe('linking reported names without guessing', () => {
  const record = (actors: object[]) =>
    http()
      .post('/incidents')
      .send({
        category: 'assassination',
        title: { text: 'Killing reported in Deir ez-Zor', language: 'en' },
        occurred: { from: '2020-08-01', precision: 'day' },
        place: { name: 'Deir ez-Zor', countryCode: 'SY', admin1: 'SY09', precision: 'governorate' },
        actors,
        sources: [{ outlet: 'North Press', language: 'en', access: 'relayed' }],
      })
      .expect(201);

  it('links only a name the registry holds once folded, not one that merely shares words or consonants', async () => {
    await http().post('/actors').send({ kind: 'person', names: [{ value: 'Ahmad Hassan', language: 'en', kind: 'primary' }] }).expect(201);
    const { id } = (await record([{ name: 'Mohammed Hussein', role: 'victim' }, { name: 'Hafl', role: 'victim' }])).body;
    const { actors } = (await http().get(`/incidents/${id}`).expect(200)).body;
    for (const actor of actors) {
      expect(actor.actorId).toBeUndefined();
      expect(actor.resolution.status).toBe('unresolved');
    }
    // Hafl is a word of the sheikh's name: offered as a candidate, not linked.
    expect(actors[1].resolution.candidates[0]).toMatchObject({ actorId: ACTORS.alHafl });
  });

  it('keeps the second of two names that resolve to one actor in one role as reported, for a person to decide', async () => {
    const { id } = (await record([{ name: 'Akidat', role: 'accuser' }, { name: 'Al-Akidat', role: 'accuser' }])).body;
    const { actors } = (await http().get(`/incidents/${id}`).expect(200)).body;
    expect(actors[0]).toMatchObject({ name: 'Akidat', actorId: ACTORS.akidat, resolution: { status: 'resolved' } });
    expect(actors[1]).not.toHaveProperty('actorId');
    expect(actors[1].resolution).toEqual({ status: 'unresolved', candidates: [{ actorId: ACTORS.akidat, name: 'Al-Akidat', score: 1 }] });
  });
});
