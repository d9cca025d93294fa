import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { EventStore } from '../../src/event-store/index.js';
import { catchUpProjections } from '../../src/projections/catch-up.js';
import { describeOnServer, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { recorded, streamOf } from './support/incidents.js';

/** What `import` does after writing: bring the read models past its last event, or say why not. */

let db: TestDatabase;
let store: EventStore;
beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});
afterAll(() => db.close());

it('brings every read model past the position', async () => {
  const id = randomUUID();
  const { positions } = await store.append(streamOf(id), 'no_stream', [recorded(id, 1)]);
  await catchUpProjections(db.pool, store, { through: positions[0] });
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM timeline_entries WHERE incident_id = $1', [id]);
  expect(rows[0].n).toBe(1);
});

describeOnServer('held back', () => {
  it('does not call the read models up to date while a transaction left open hides the events', async () => {
    const open = new pg.Client({ connectionString: db.target.url });
    await open.connect();
    try {
      await open.query('BEGIN');
      await open.query('SELECT pg_current_xact_id()');
      const id = randomUUID();
      const { positions } = await store.append(streamOf(id), 'no_stream', [recorded(id, 1)]);
      await expect(catchUpProjections(db.pool, store, { through: positions[0], timeoutMs: 500 })).rejects.toThrow(
        /have not reached position \d+ after 0.5 s: a transaction left open holds the log back/,
      );
      await open.query('COMMIT');
      await catchUpProjections(db.pool, store, { through: positions[0], timeoutMs: 10_000 });
    } finally {
      await open.end();
    }
  });
});
