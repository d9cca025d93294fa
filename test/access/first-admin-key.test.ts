import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ApiKeys } from '../../src/access/api-keys.js';
import { ensureFirstAdminKey, FIRST_ADMIN } from '../../src/access/first-admin-key.js';
import { createApp } from '../../src/app.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A new installation has no keys and every endpoint needs one, so the first start writes an admin
 * key to a file only its owner may read (not to the log, which collectors keep). Once any key
 * exists, it does nothing: it never makes a second admin behind the operators' backs.
 */

let db: TestDatabase;
let keys: ApiKeys;
let dir: string;
const dirs: string[] = [];
beforeAll(async () => {
  db = await openTestDatabase();
  keys = new ApiKeys(db.pool);
});
// Each test starts as a new installation would: no keys (one database for all, as a fresh one
// takes seconds to make), and a data directory of its own.
beforeEach(async () => {
  await db.pool.query('DELETE FROM api_keys');
  dir = await mkdtemp(join(tmpdir(), 'first-admin-key-'));
  dirs.push(dir);
});
afterAll(async () => {
  await db.close();
  for (const made of dirs) await rm(made, { recursive: true, force: true });
});

/** The file's permission bits, in octal as ls and chmod show them. */
const mode = async (file: string) => ((await stat(file)).mode & 0o777).toString(8);

describe('ensureFirstAdminKey', () => {
  it('on an empty key table writes a working admin key to the file, readable by its owner only', async () => {
    const file = join(dir, 'data', 'first-admin.key');
    expect(await ensureFirstAdminKey(keys, file)).toBe(file);

    expect(await mode(file)).toBe('600');
    const key = (await readFile(file, 'utf8')).trim();
    expect(await keys.principalOf(key)).toEqual({ name: FIRST_ADMIN, role: 'admin' });
    expect((await keys.list()).map(({ name, role }) => ({ name, role }))).toEqual([{ name: FIRST_ADMIN, role: 'admin' }]);
  });

  it('with a key present does nothing: no file, no key', async () => {
    await keys.create('ops', 'admin', 'test');
    const file = join(dir, 'first-admin.key');

    expect(await ensureFirstAdminKey(keys, file)).toBeUndefined();
    expect(existsSync(file)).toBe(false);
    expect((await keys.list()).map((key) => key.name)).toEqual(['ops']);
  });

  it('with only revoked keys does nothing either: keys were made here, and the CLI makes more', async () => {
    await keys.create('old-admin', 'admin', 'test');
    await keys.revoke('old-admin', 'test', 'left');
    const file = join(dir, 'first-admin.key');

    expect(await ensureFirstAdminKey(keys, file)).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it('run twice, makes one key and leaves the first file as it was', async () => {
    const file = join(dir, 'first-admin.key');
    await ensureFirstAdminKey(keys, file);
    const first = await readFile(file, 'utf8');

    expect(await ensureFirstAdminKey(keys, file)).toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe(first);
    expect(await keys.count()).toBe(1);
  });

  it('writes the key readable by its owner only even where a file of that name was left readable by all', async () => {
    // A data directory kept from an earlier installation, with the database made anew.
    const file = join(dir, 'first-admin.key');
    await writeFile(file, 'an old key\n', { mode: 0o644 });

    expect(await ensureFirstAdminKey(keys, file)).toBe(file);
    const key = (await readFile(file, 'utf8')).trim();
    expect(await keys.principalOf(key)).toEqual({ name: FIRST_ADMIN, role: 'admin' });
    expect(await mode(file)).toBe('600');
  });

  // Last: closing the application closes the database it was given.
  it('leaves no key behind when the file cannot be written, so the next start makes one', async () => {
    // A file where the folder should be: the key's file cannot be made.
    await writeFile(join(dir, 'not-a-folder'), '');
    await expect(ensureFirstAdminKey(keys, join(dir, 'not-a-folder', 'first-admin.key'))).rejects.toThrow();
    expect(await keys.count()).toBe(0);
    expect(await ensureFirstAdminKey(keys, join(dir, 'first-admin.key'))).toBe(join(dir, 'first-admin.key'));
  });

  it("writes a key that opens the API as an admin, which may make the operators' own keys", async () => {
    const file = join(dir, 'first-admin.key');
    await ensureFirstAdminKey(keys, file);
    const key = (await readFile(file, 'utf8')).trim();

    const app = await createApp(db.dataSource, { logging: { level: 'silent' } });
    await app.init();
    try {
      const server = request(app.getHttpServer());
      await server.post('/keys').set('Authorization', `Bearer ${key}`).send({ name: 'ops', role: 'admin' }).expect(201);
      await server.get('/events').set('Authorization', `Bearer ${key}`).expect(200);
    } finally {
      await app.close();
    }
  });
});
