import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { auditCommand } from '../../src/audit/audit.cli.js';
import { EventStore } from '../../src/event-store/index.js';
import { logSettled, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { appendMixedStreams } from './support/log.js';

/** `npm run cli -- audit seal|verify`, run on the test's database with a sealing key from SEAL_KEY. */

let db: TestDatabase;
let streams: string[];
const environment = { SEAL_KEY: process.env.SEAL_KEY, SEAL_TRUSTED_KEYS: process.env.SEAL_TRUSTED_KEYS };

beforeAll(async () => {
  db = await openTestDatabase();
  streams = await appendMixedStreams(new EventStore(db.pool), 2);
  process.env.SEAL_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  delete process.env.SEAL_TRUSTED_KEYS;
});

afterAll(async () => {
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await db.close();
});

async function cli(...args: string[]): Promise<{ lines: string[]; exitCode: number }> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line) => void lines.push(String(line)));
  const progress = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const before = process.exitCode;
  try {
    await auditCommand((work) => work(db.dataSource)).exitOverride().parseAsync(args, { from: 'user' });
    return { lines, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
    log.mockRestore();
    progress.mockRestore();
  }
}

describe('npm run cli -- audit seal and verify', () => {
  it('seals with the configured key, then verifies the log against its seal', async () => {
    await logSettled(db.pool);
    expect((await cli('seal')).lines).toEqual([expect.stringMatching(/^Seal 1: 12 events, root [0-9a-f]{64}$/)]);
    expect((await cli('seal')).lines).toEqual(['Nothing new to seal.']);
    const { lines, exitCode } = await cli('verify');
    expect(exitCode).toBe(0);
    expect(lines).toEqual(['Verified 12 events in 3 streams against 1 seals.', 'Every hash, chain and seal holds.']);
  });

  it('names the first bad event and exits 1 once the log was tampered with; --json gives the whole report', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('ALTER TABLE events DISABLE TRIGGER USER');
      await client.query('DELETE FROM events WHERE stream_id = $1 AND stream_version = 2', [streams[1]]);
      await client.query('ALTER TABLE events ENABLE TRIGGER USER');
    } finally {
      client.release();
    }
    const { lines, exitCode } = await cli('verify');
    expect(exitCode).toBe(1);
    expect(lines[1]).toBe(`First bad: [deleted] ${streams[1]}@2 is gone: ${streams[1]}@3 follows ${streams[1]}@1`);
    expect(lines.at(-1)).toBe('The log has been TAMPERED WITH (see above).');

    const json = JSON.parse((await cli('verify', '--json')).lines[0]);
    expect(json).toMatchObject({ ok: false, first: { kind: 'deleted', event: { streamId: streams[1], streamVersion: 2 } } });
    expect(json.findings.map((finding: { kind: string }) => finding.kind)).toEqual(['deleted', 'seal-mismatch']);
  });
});
