import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKeys } from '../../src/access/api-keys.js';
import { LookupCaches } from '../../src/database/lookup-caches.js';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { Gazetteer } from '../../src/places/gazetteer.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { describeOnServer, openTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The service keeps API keys, actors' name resolutions and gazetteer units in memory
 * (LookupCaches). Each test shows one way a kept answer is forgotten, and would fail without it.
 * Some switch the tables' triggers off, so that no notification can do the forgetting for them.
 */

/** Waits until `check` holds, up to `ms`; returns how long that took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`Not so within ${ms} ms`);
    await sleep(10);
  }
  return Date.now() - start;
}

async function withoutNotifications(db: TestDatabase, table: string, work: () => Promise<void>): Promise<void> {
  await db.pool.query(`ALTER TABLE ${table} DISABLE TRIGGER lookups_changed`);
  try {
    await work();
  } finally {
    await db.pool.query(`ALTER TABLE ${table} ENABLE TRIGGER lookups_changed`);
  }
}

describe('on embedded PostgreSQL', () => {
  let db: TestDatabase;
  let lookups: LookupCaches;
  beforeAll(async () => {
    db = await openTestDatabase();
    lookups = new LookupCaches(db.pool);
    await lookups.start();
  });
  afterAll(async () => {
    await lookups?.stop();
    await db?.close();
  });

  it('nothing is kept when the database is embedded: the CLI reaches it through its socket', async () => {
    if (!db.target.embedded) return expect(lookups.listening).toBe(true);
    expect(lookups.listening).toBe(false);
    const keys = new ApiKeys(db.pool, lookups);
    const { key } = await keys.create('embedded-reader', 'viewer', 'test');
    expect(await keys.principalOf(key)).toEqual({ name: 'embedded-reader', role: 'viewer' });
    // As `keys revoke` in another process would: not through this object.
    await db.pool.query(`UPDATE api_keys SET revoked_at = now() WHERE name = 'embedded-reader'`);
    expect(await keys.principalOf(key)).toBeUndefined();
  });
});

describeOnServer('lookups kept in memory on a server', () => {
  let db: TestDatabase;
  /** As one API process keeps them. */
  let lookups: LookupCaches;
  let keys: ApiKeys;
  beforeAll(async () => {
    db = await openTestDatabase();
    lookups = new LookupCaches(db.pool, { retryMs: 50 });
    await lookups.start();
    keys = new ApiKeys(db.pool, lookups);
  });
  afterAll(async () => {
    await lookups?.stop();
    await db?.close();
  });

  const revokeByHand = async (name: string) => {
    await db.pool.query(`UPDATE api_keys SET revoked_at = now(), revoked_by = 'dba' WHERE name = $1`, [name]);
  };

  /** A new key, kept once it is used: its creation unannounced, so no late notification forgets it. */
  const keptKey = async (name: string) => {
    let made!: string;
    await withoutNotifications(db, 'api_keys', async () => {
      made = (await keys.create(name, 'editor', 'test')).key;
    });
    expect(await keys.principalOf(made)).toEqual({ name, role: 'editor' });
    return made;
  };

  it('a known key is answered from memory', async () => {
    const key = await keptKey('kept');
    await withoutNotifications(db, 'api_keys', () => revokeByHand('kept'));
    // Revoked unannounced: only a kept answer can still say who this is.
    expect(await keys.principalOf(key)).toEqual({ name: 'kept', role: 'editor' });
    lookups.changed('api_keys');
    expect(await keys.principalOf(key)).toBeUndefined();
  });

  it('a key revoked through this process is refused on its very next use, notification or not', async () => {
    const key = await keptKey('revoked-here');
    await withoutNotifications(db, 'api_keys', async () => {
      await keys.revoke('revoked-here', 'test');
    });
    expect(await keys.principalOf(key)).toBeUndefined();
  });

  it('a key revoked by another process, or by hand in SQL, is refused as soon as the notification arrives', async () => {
    const key = await keptKey('revoked-elsewhere');
    await revokeByHand('revoked-elsewhere');
    // Within milliseconds; the kept answer would otherwise last its 30 s.
    expect(await within(2_000, async () => (await keys.principalOf(key)) === undefined)).toBeLessThan(2_000);
  });

  it('a place changed by another process (`places load`) is read afresh once the notification arrives', async () => {
    const gazetteer = new Gazetteer(db.pool, { cache: lookups.cache('places') });
    const nameOf = async () => (await gazetteer.units(['SY09'])).get('SY09')!.nameEn;
    const name = await nameOf();
    await db.pool.query(`UPDATE places SET name_en = name_en || ' (renamed)' WHERE pcode = 'SY09'`);
    try {
      await within(2_000, async () => (await nameOf()) === `${name} (renamed)`);
    } finally {
      await db.pool.query(`UPDATE places SET name_en = $1 WHERE pcode = 'SY09'`, [name]);
    }
  });

  it('when the listening connection is lost, everything kept is forgotten until it listens again', async () => {
    const key = await keptKey('outage');
    const listener = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'incident-tracker lookups'`;
    await withoutNotifications(db, 'api_keys', async () => {
      await db.pool.query(`SELECT pg_terminate_backend(pid) FROM (${listener}) AS l`);
      await within(2_000, async () => !lookups.listening);
      // Revoked while no one listened, and unannounced besides.
      await revokeByHand('outage');
      expect(await keys.principalOf(key)).toBeUndefined();
    });
    await within(5_000, async () => lookups.listening);
    expect((await db.pool.query(listener)).rowCount).toBe(1);
    expect(await keys.principalOf(key)).toBeUndefined();
    // Listening again, it keeps answers again.
    const next = await keptKey('after-outage');
    await withoutNotifications(db, 'api_keys', () => revokeByHand('after-outage'));
    expect(await keys.principalOf(next)).toEqual({ name: 'after-outage', role: 'editor' });
  });
});

describeOnServer('actors a record names, resolved through the service', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t?.close());

  /** The worked example's incident, naming one actor as reported. */
  const record = (name: string) => {
    const { related: _, ...body } = assassinationBody();
    return t
      .http()
      .post('/incidents')
      .send({ ...body, actors: [{ name, role: 'perpetrator' }] })
      .expect(201);
  };
  const actorOf = async (response: { body: { id: string } }) =>
    (await t.http().get(`/incidents/${response.body.id}`).expect(200)).body.actors[0];

  it('an actor registered through this process resolves in the very next record, notification or not', async () => {
    const name = 'عشيرة البكير';
    expect((await actorOf(await record(name))).resolution.status).toBe('unresolved');

    await withoutNotifications(t.db, 'actor_names', () =>
      withoutNotifications(t.db, 'actors', async () => {
        const registered = await t
          .http()
          .post('/actors')
          .send({ kind: 'tribe', names: [{ value: name, language: 'ar', kind: 'primary' }] })
          .expect(201);
        const linked = await actorOf(await record(name));
        expect(linked.actorId).toBe(registered.body.id);
        expect(linked.resolution.status).toBe('resolved');
      }),
    );
  });
});
