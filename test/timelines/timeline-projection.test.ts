import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EventStore, type NewEvent } from '../../src/event-store/index.js';
import type { IncidentRecordedData } from '../../src/incidents/domain/index.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { projectionStatus } from '../../src/projections/projection-status.js';
import { incidentSummariesProjection } from '../../src/timelines/projections/incident-summaries.projection.js';
import { timelineProjection } from '../../src/timelines/projections/timeline.projection.js';
import { migrate } from '../../src/database/data-source.js';
import { foldName } from '../../src/names/fold.js';
import { logSettled, openTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Projection tests: given events in the log, then rows in the read models. */

let db: TestDatabase;
let store: EventStore;
beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});
afterAll(() => db.close());

const runners = () => [incidentSummariesProjection, timelineProjection].map((p) => new ProjectionRunner(db.pool, store, p, { batchSize: 7 }));

async function catchUp() {
  await logSettled(db.pool);
  for (const runner of runners()) {
    await runner.register();
    while (!(await runner.step()).caughtUp);
  }
}

const AKIDAT = '5d1c48a4-0003-4000-8000-000000000006';

function recorded(id: string, overrides: Partial<IncidentRecordedData> = {}): NewEvent {
  const data: IncidentRecordedData = {
    id,
    category: 'assassination',
    title: { text: 'اغتيال الشيخ مطشر الهفل', language: 'ar' },
    translations: [],
    occurred: { from: '2020-07-26', to: '2020-08-01', precision: 'week' },
    place: { name: 'ريف دير الزور الشرقي', countryCode: 'SY', admin1: 'SY09', precision: 'region' },
    actors: [
      { name: 'الشيخ مطشر الهفل', role: 'victim' },
      { actorId: AKIDAT, name: 'عشيرة العكيدات', role: 'accuser' },
    ],
    fatalities: { low: 2, best: 2, high: 2 },
    sources: [{ id: randomUUID(), outlet: 'نورث برس', language: 'ar', access: 'relayed' }],
    related: [],
    tags: [],
    ...overrides,
  };
  return { type: 'incident.recorded', data };
}

const rowsOf = async (table: string, id: string) =>
  (await db.pool.query(`SELECT * FROM ${table} WHERE incident_id = $1`, [id])).rows;

describe('the timeline projections, given events', () => {
  let id: string;
  beforeEach(() => {
    id = randomUUID();
  });

  it('write one entry, one summary and one involvement row per actor for a recorded incident', async () => {
    await store.append(`incident-${id}`, 'no_stream', [recorded(id)]);
    await catchUp();

    const [entry] = await rowsOf('timeline_entries', id);
    expect(entry).toMatchObject({ category: 'assassination', cameo_code: '186', admin1: 'SY09', date_precision: 'week', version: 1 });
    expect(entry.search).toContain('مطشر هفل');
    expect(await rowsOf('incident_summaries', id)).toHaveLength(1);
    const involvement = await rowsOf('timeline_actors', id);
    const roles = Object.fromEntries(involvement.map((row) => [row.role, row.actor_id]));
    expect(roles).toEqual({ accuser: AKIDAT, victim: null });
  });

  it('keep each name once in the search text, where the title that names it finds the incident all the same', async () => {
    await store.append(`incident-${id}`, 'no_stream', [recorded(id)]);
    await catchUp();

    // The victim, الشيخ مطشر الهفل, is named in the title: the search text holds him once.
    const [entry] = await rowsOf('timeline_entries', id);
    expect(entry.search).toBe('اغتيال مطشر هفل | ريف دير زور شرقي | عكيدات');
    const found = async (words: string) =>
      (await db.pool.query(`SELECT 1 FROM timeline_entries WHERE incident_id = $1 AND search LIKE $2`, [id, `%${foldName(words)}%`])).rowCount;
    expect(await found('مطشر الهفل')).toBe(1);
    expect(await found('العكيدات')).toBe(1);
  });

  it('follow corrections, actor changes and retraction to the final state', async () => {
    await store.append(`incident-${id}`, 'no_stream', [recorded(id)]);
    await store.append(`incident-${id}`, 1, [
      { type: 'incident.corrected', data: { changes: { place: { name: 'Hajin', countryCode: 'SY', admin1: 'SY09', admin2: 'SY0902', precision: 'locality' } }, reason: 'x' } },
      { type: 'incident.actor_removed', data: { actor: { name: 'الشيخ مطشر الهفل', role: 'victim' }, reason: 'x' } },
      { type: 'incident.fatalities_revised', data: { fatalities: { low: 3, best: 3, high: 4 }, reason: 'x' } },
      { type: 'incident.retracted', data: { reason: 'A duplicate.' } },
    ]);
    await catchUp();

    const [entry] = await rowsOf('timeline_entries', id);
    expect(entry).toMatchObject({ admin2: 'SY0902', place_name: 'Hajin', fatalities_best: 3, status: 'retracted', version: 5 });
    expect((await rowsOf('timeline_actors', id)).map((row) => row.role)).toEqual(['accuser']);
    expect((await rowsOf('incident_summaries', id))[0]).toMatchObject({ status: 'retracted', version: 5 });
  });

  it('keep each entry as the JSON GET /timeline answers, the very text the page query used to build from the columns', async () => {
    const plain = randomUUID();
    const located = randomUUID();
    const changed = randomUUID();
    await store.append(`incident-${plain}`, 'no_stream', [recorded(plain)]);
    await store.append(`incident-${located}`, 'no_stream', [
      recorded(located, {
        category: 'statement', // no ACLED type
        title: { text: 'بيان "العكيدات"\n\\ حول\u001b الهجوم 😀', language: 'ar' },
        place: { name: 'Hajin', countryCode: 'SY', admin1: 'SY09', admin2: 'SY0902', admin3: 'SY090201', latitude: 34.6952, longitude: 40.83, precision: 'locality' },
        actors: [{ actorId: AKIDAT, role: 'speaker' }],
        fatalities: undefined,
      }),
    ]);
    await store.append(`incident-${changed}`, 'no_stream', [recorded(changed)]);
    await store.append(`incident-${changed}`, 1, [
      { type: 'incident.fatalities_revised', data: { fatalities: { low: 0, best: 1, high: 40 }, reason: 'x' } },
      { type: 'incident.retracted', data: { reason: 'A duplicate.' } },
    ]);
    await catchUp();
    const entries = async () =>
      (await db.pool.query<{ incident_id: string; entry: string }>('SELECT incident_id, entry FROM timeline_entries ORDER BY incident_id')).rows;
    const written = await entries();
    expect(written.map((row) => row.incident_id)).toEqual(expect.arrayContaining([plain, located, changed]));
    expect(JSON.parse(written.find((row) => row.incident_id === located)!.entry)).toMatchObject({
      title: { text: 'بيان "العكيدات"\n\\ حول\u001b الهجوم 😀' },
      place: { admin3: 'SY090201', latitude: 34.6952, longitude: 40.83 },
      actors: [{ actorId: AKIDAT, role: 'speaker' }],
    });

    // The migration that added the column writes entries recorded before it with the page query's
    // old SQL: undone and done again, it must give back, byte for byte, what the projection wrote.
    const applied = async () => (await db.pool.query<{ name: string }>('SELECT name FROM migrations')).rows.map((row) => row.name);
    while ((await applied()).includes('TimelineEntryJson1765152000000')) await db.dataSource.undoLastMigration({ transaction: 'each' });
    await migrate(db.dataSource, db.target);
    expect(await entries()).toEqual(written);
  });

  it('ignore events of other streams but move past them', async () => {
    const before = await projectionStatus(db.pool, ['timeline']);
    await store.append(`actor-${randomUUID()}`, 'no_stream', [{ type: 'actor.registered', data: {} }]);
    await catchUp();
    const [after] = await projectionStatus(db.pool, ['timeline']);
    expect(after!.position).toBeGreaterThan(before[0]?.position ?? 0);
    expect(after!.lagEvents).toBe(0);
  });
});

describe('an event a projection cannot handle', () => {
  it('stops the projection there, keeping what came before and showing the error', async () => {
    const good = randomUUID();
    const orphan = randomUUID();
    const after = randomUUID();
    await store.append(`incident-${good}`, 'no_stream', [recorded(good)]);
    const { positions } = await store.append(`incident-${orphan}`, 'no_stream', [
      { type: 'incident.retracted', data: { reason: 'never recorded' } },
    ]);
    await store.append(`incident-${after}`, 'no_stream', [recorded(after)]);
    await catchUp();

    const [status] = await projectionStatus(db.pool, ['timeline']);
    expect(status).toMatchObject({ state: 'stopped', errorPosition: positions[0], lagEvents: 2 });
    expect(status!.error).toContain(`incident.retracted at position ${positions[0]}`);
    expect(await rowsOf('timeline_entries', good)).toHaveLength(1);
    expect(await rowsOf('timeline_entries', after)).toHaveLength(0);
    // Stopped means stopped: another step handles nothing.
    expect(await runners()[1]!.step()).toEqual({ handled: 0, caughtUp: true });
  });
});
