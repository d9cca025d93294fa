import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { keysCommand } from '../../src/access/keys.cli.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/**
 * API keys: `npm run cli -- keys create|list|revoke` on the test's database, and /keys for
 * admins. A key is shown once, kept only as its hash, works at once, and stops working at once
 * when revoked: the guard looks every key up in the table, so a revocation made by the CLI (another
 * process, as far as the service knows) holds for the very next request.
 */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

/** The key format: a prefix secret scanners can look for, then 32 random bytes in base64url. */
const KEY = /^cit_[A-Za-z0-9_-]{43}$/;

async function cli(...args: string[]): Promise<string[]> {
  const out: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line) => void out.push(String(line)));
  const command = keysCommand((work) => work(t.db.dataSource));
  // Each subcommand parses its own options: without this a bad --role would exit the test run.
  for (const sub of [command, ...command.commands]) sub.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  try {
    await command.parseAsync(args, { from: 'user' });
    return out;
  } finally {
    log.mockRestore();
  }
}

/** Makes a key with the CLI and answers the key it printed last. */
async function createWithCli(name: string, role: string): Promise<string> {
  const out = await cli('create', '--role', role, '--name', name);
  return out.at(-1)!;
}

const withKey = (key: string) => t.anonymous().set('Authorization', `Bearer ${key}`);
const keyCount = async () => Number((await t.db.pool.query('SELECT count(*) FROM api_keys')).rows[0].count);

describe('npm run cli -- keys create', () => {
  it('prints the new key as its last line, and the key works over HTTP with its role', async () => {
    const out = await cli('create', '--role', 'reporter', '--name', 'amina');

    expect(out.length).toBeGreaterThan(1);
    const key = out.at(-1)!;
    expect(key).toMatch(KEY);
    // The lines before say what was made, never the key.
    expect(out.slice(0, -1).join('\n')).toContain('amina');
    expect(out.slice(0, -1).join('\n')).not.toContain(key);

    await withKey(key).get('/timeline').expect(200);
    await withKey(key).get('/incidents/00000000-0000-4000-8000-000000000000/history').expect(403);
  });

  it('makes a different key each time', async () => {
    const first = await createWithCli('twin-1', 'viewer');
    const second = await createWithCli('twin-2', 'viewer');
    expect(first).not.toBe(second);
  });

  it('refuses a name already taken, and a revoked key keeps its name for good', async () => {
    await createWithCli('taken', 'viewer');
    const before = await keyCount();
    await expect(cli('create', '--role', 'admin', '--name', 'taken')).rejects.toThrow(/"taken" exists already/);

    await cli('revoke', 'taken');
    await expect(cli('create', '--role', 'viewer', '--name', 'taken')).rejects.toThrow(/exists already/);
    expect(await keyCount()).toBe(before);
  });

  it('refuses a role that does not exist and a name that could not be logged safely, making nothing', async () => {
    const before = await keyCount();
    await expect(cli('create', '--role', 'superuser', '--name', 'someone')).rejects.toThrow(/must be one of viewer, reporter, editor, auditor, admin/);
    await expect(cli('create', '--role', 'viewer', '--name', 'two words')).rejects.toThrow(/must be 1 to 100/);
    await expect(cli('create', '--role', 'viewer')).rejects.toThrow(/--name/);
    expect(await keyCount()).toBe(before);
  });
});

describe('npm run cli -- keys list', () => {
  it('shows every key with its role and state, and never a key', async () => {
    const key = await createWithCli('listed-editor', 'editor');
    const out = await cli('list');

    const line = out.find((l) => l.startsWith('listed-editor\t'));
    expect(line).toMatch(/^listed-editor\teditor\tactive\tcreated \d{4}-\d\d-\d\dT[\d:.]+Z by cli:/);
    expect(out.join('\n')).not.toContain(key);
    expect(out.join('\n')).not.toContain(createHash('sha256').update(key).digest('hex'));
    // The test app's own admin is there too.
    expect(out.some((l) => l.startsWith('test-admin\tadmin\tactive'))).toBe(true);
  });
});

describe('npm run cli -- keys revoke', () => {
  it('makes the very next request with the key 401, and list shows who revoked it, when and why', async () => {
    const key = await createWithCli('laptop', 'editor');
    await withKey(key).get('/timeline').expect(200);

    const out = await cli('revoke', 'laptop', '--reason', 'laptop lost');
    expect(out.at(-1)).toMatch(/^Revoked the editor key "laptop" \(\d{4}-/);

    const refused = await withKey(key).get('/timeline').expect(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
    await withKey(key).post('/incidents').send({}).expect(401);

    const line = (await cli('list')).find((l) => l.startsWith('laptop\t'));
    expect(line).toMatch(/^laptop\teditor\trevoked \d{4}-\S+ by cli:\S+ \(laptop lost\)\tcreated /);
  });

  it('fails for a name no key has', async () => {
    await expect(cli('revoke', 'nobody-at-all')).rejects.toThrow('No key is named "nobody-at-all"');
  });
});

describe('keys in the database', () => {
  it('keeps only the 32-byte SHA-256 of each key: no table holds a key in clear', async () => {
    const fromCli = await createWithCli('stored-cli', 'viewer');
    const fromHttp = (await t.http().post('/keys').send({ name: 'stored-http', role: 'auditor' }).expect(201)).body.key as string;

    const { rows } = await t.db.pool.query(`SELECT name, key_hash FROM api_keys WHERE name IN ('stored-cli', 'stored-http') ORDER BY name`);
    expect(rows.map((row) => [row.name, row.key_hash])).toEqual([
      ['stored-cli', createHash('sha256').update(fromCli).digest()],
      ['stored-http', createHash('sha256').update(fromHttp).digest()],
    ]);
    for (const row of rows) expect((row.key_hash as Buffer).length).toBe(32);

    // Nowhere else either: not in the events, not in a read model, not in any column of any table.
    const tables = (
      await t.db.pool.query(`SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
                             WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`)
    ).rows.map((row) => row.name as string);
    expect(tables.length).toBeGreaterThan(3);
    for (const key of [fromCli, fromHttp]) {
      const secret = key.slice('cit_'.length);
      for (const table of tables) {
        const found = await t.db.pool.query(`SELECT count(*)::int AS n FROM ${table} AS t WHERE t::text LIKE '%' || $1 || '%'`, [secret]);
        expect({ table, rowsWithTheKey: found.rows[0].n }).toEqual({ table, rowsWithTheKey: 0 });
      }
    }
  });
});

describe('/keys over HTTP', () => {
  it('lets an admin create a key, shown this once, that works at once with its role', async () => {
    const response = await t.http().post('/keys').send({ name: 'amina@syria-desk', role: 'viewer' }).expect(201);

    expect(response.body).toEqual({
      name: 'amina@syria-desk',
      role: 'viewer',
      createdAt: expect.any(String),
      createdBy: 'test-admin',
      key: expect.stringMatching(KEY),
    });
    await withKey(response.body.key).get('/timeline').expect(200);
    await withKey(response.body.key).get('/keys').expect(403);
  });

  it('lists every key, revoked ones included, without any key or hash', async () => {
    const { body: created } = await t.http().post('/keys').send({ name: 'to-list', role: 'reporter' }).expect(201);
    const listed = (await t.http().get('/keys').expect(200)).body as Record<string, unknown>[];

    expect(listed.find((key) => key.name === 'to-list')).toEqual({ name: 'to-list', role: 'reporter', createdAt: created.createdAt, createdBy: 'test-admin' });
    // No id, no hash, no key: only what says whose key it is and what became of it.
    for (const key of listed) expect({ name: key.name, other: Object.keys(key).filter((field) => !ALLOWED_FIELDS.includes(field)) }).toEqual({ name: key.name, other: [] });
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(4));
  });

  it('never reuses a name, revoked or not: 409 problem+json', async () => {
    await t.http().post('/keys').send({ name: 'once-only', role: 'viewer' }).expect(201);
    const before = await keyCount();
    const taken = await t.http().post('/keys').send({ name: 'once-only', role: 'admin' }).expect(409);
    expect(taken.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(taken.body).toMatchObject({ status: 409, type: '/problems/key-name-taken' });

    await t.http().post('/keys/once-only/revocation').send({}).expect(200);
    await t.http().post('/keys').send({ name: 'once-only', role: 'viewer' }).expect(409);
    expect(await keyCount()).toBe(before);
  });

  it('refuses a bad name or role with 400, making nothing', async () => {
    const before = await keyCount();
    for (const body of [{ name: 'two words', role: 'viewer' }, { name: 'x', role: 'owner' }, { name: '', role: 'viewer' }, { role: 'viewer' }]) {
      const response = await t.http().post('/keys').send(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    expect(await keyCount()).toBe(before);
  });

  it('revokes a key, keeping who, when and why; the very next request with it is 401; revoking again changes nothing', async () => {
    const { body: created } = await t.http().post('/keys').send({ name: 'phone', role: 'editor' }).expect(201);
    await withKey(created.key).get('/timeline').expect(200);

    const revoked = await t.http().post('/keys/phone/revocation').send({ reason: 'phone stolen' }).expect(200);
    expect(revoked.body).toEqual({
      name: 'phone',
      role: 'editor',
      createdAt: created.createdAt,
      createdBy: 'test-admin',
      revokedAt: expect.any(String),
      revokedBy: 'test-admin',
      revokedReason: 'phone stolen',
    });
    await withKey(created.key).get('/timeline').expect(401);

    const again = await (await t.as('second-admin', 'admin')).post('/keys/phone/revocation').send({ reason: 'cleaning up' }).expect(200);
    expect(again.body).toEqual(revoked.body);
    expect((await t.http().get('/keys').expect(200)).body.find((key: { name: string }) => key.name === 'phone')).toEqual(revoked.body);
  });

  it('answers 404 problem+json to revoking a name no key has', async () => {
    const response = await t.http().post('/keys/no-such-key/revocation').send({}).expect(404);
    expect(response.body).toMatchObject({ status: 404, type: '/problems/key-not-found' });
  });

  it('lets an admin revoke its own key, which stops it at once', async () => {
    const self = await t.as('self-revoking-admin', 'admin');
    await self.post('/keys/self-revoking-admin/revocation').send({ reason: 'leaving' }).expect(200);
    await self.get('/keys').expect(401);
  });
});

const ALLOWED_FIELDS = ['name', 'role', 'createdAt', 'createdBy', 'revokedAt', 'revokedBy', 'revokedReason'];

describe('GET /keys/me', () => {
  it("names the request's key, its role and what the role may do, and never the key", async () => {
    const reporter = await t.as('me-reporter', 'reporter');
    const me = await reporter.get('/keys/me').expect(200);
    expect(me.body).toEqual({ name: 'me-reporter', role: 'reporter', permissions: ['read', 'record'] });
    expect((await t.http().get('/keys/me').expect(200)).body.permissions).toEqual([
      'read', 'record', 'edit', 'read_history', 'audit', 'see_confidential', 'admin',
    ]);
  });
});

describe('the name "public"', () => {
  it('is kept for requests without a key, so the log never mixes the two', async () => {
    const refused = await t.http().post('/keys').send({ name: 'public', role: 'viewer' }).expect(409);
    expect(refused.body.detail).toMatch(/requests without a key/);
  });
});
