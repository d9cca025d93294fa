import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadSealKey } from '../../src/audit/tamper-evidence/seal-key.js';
import { readSeals } from '../../src/audit/tamper-evidence/seal-store.js';
import { verifyLog } from '../../src/audit/tamper-evidence/verify.js';
import { EventStore } from '../../src/event-store/index.js';
import { appendMixedStreams } from '../audit/support/log.js';
import { describeOnServer, logSettled, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startWorker, stopAllWorkers } from './support/workers.js';

/** Workers seal the log (docker-compose.yml runs no other sealer), with the key the API made. */

let db: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await openTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'worker-sealing-'));
});
afterAll(async () => {
  await stopAllWorkers();
  await db.close();
  await rm(dataDir, { recursive: true, force: true });
});

const sealed = async () => (await readSeals(db.pool, { limit: 1000 })).map((seal) => ({ sequence: seal.sequence, events: seal.events }));

describeOnServer('workers sealing the log', () => {
  it('seal with the installation key, one seal at a time, and a worker without the key seals nothing', async () => {
    const keyless = startWorker('worker without a key', db.target.url, { DATA_DIR: join(dataDir, 'elsewhere'), SEAL_INTERVAL_SECONDS: '1' });
    await keyless.said('Not sealing: no sealing key');
    // The key as the API's first start makes it in the shared data directory.
    const key = loadSealKey({ file: join(dataDir, 'seal-key.pem') });
    const env = { DATA_DIR: dataDir, SEAL_INTERVAL_SECONDS: '1' };
    const workers = [startWorker('worker A', db.target.url, env), startWorker('worker B', db.target.url, env)];
    for (const worker of workers) await worker.said(`Sealing every 1 s with Ed25519 public key ${key.publicKey.toString('base64url')}`);

    const store = new EventStore(db.pool);
    for (let round = 0; round < 4; round++) {
      await appendMixedStreams(store, 25);
      await sleep(700);
    }
    await logSettled(db.pool);
    const { rows } = await db.pool.query('SELECT count(*)::int AS events FROM events');
    const deadline = Date.now() + 20_000;
    while ((await sealed()).at(-1)?.events !== rows[0].events) {
      if (Date.now() > deadline) throw new Error(`the workers did not seal the log: ${JSON.stringify(await sealed())}`);
      await sleep(200);
    }

    // Consecutive seals, each over more of the log, all of them signed with the one key.
    const seals = await sealed();
    expect(seals.length).toBeGreaterThan(1);
    expect(seals.map((seal) => seal.sequence)).toEqual(seals.map((_, index) => index + 1));
    expect(seals.every((seal, index) => index === 0 || seal.events > seals[index - 1]!.events)).toBe(true);
    const report = await verifyLog(db.pool, { trustedKeys: [key.publicKey] });
    expect(report).toMatchObject({ ok: true, seals: seals.length, unsealedEvents: 0 });
    expect(keyless.exited()).toBe(false);
    expect(workers.every((worker) => !worker.exited() && !/sealing failed/.test(worker.output()))).toBe(true);
  }, 90_000);
});
