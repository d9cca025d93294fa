import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { LookupCache, LookupCaches } from '../database/lookup-caches.js';
import type { Queryable } from '../event-store/index.js';
import { PUBLIC_PRINCIPAL, type Principal, type Role } from './roles.js';

/** A key as `keys list` and `GET /keys` show it: never the key itself, which is not kept. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: Date;
  createdBy: string;
  revokedAt?: Date;
  revokedBy?: string;
  revokedReason?: string;
}

/** Letters, digits and `._@+-`, up to 100 characters: safe in logs and on the command line. */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$/;

/** Keys start with a prefix, so a leaked one is easy to spot (secret scanners, logs). */
const KEY_PREFIX = 'cit_';

export class KeyNameTakenError extends Error {
  constructor(readonly keyName: string) {
    super(
      keyName === PUBLIC_PRINCIPAL.name
        ? `"${keyName}" names requests without a key (PUBLIC_READ); choose another name`
        : `A key named "${keyName}" exists already (names are never reused, revoked keys included)`,
    );
  }
}

export class KeyNotFoundError extends Error {
  constructor(readonly keyName: string) {
    super(`No key is named "${keyName}"`);
  }
}

/**
 * API keys, stored only as their SHA-256. Every request looks its key up here. With `lookups`
 * (the service's), known keys are kept in memory: a key revoked through this object stops working
 * at once, and one revoked elsewhere (another process, `keys revoke`, SQL) as soon as the
 * database's notification arrives (see LookupCaches).
 */
export class ApiKeys {
  private readonly principals?: LookupCache<Principal | undefined>;

  constructor(
    private readonly db: Queryable,
    private readonly lookups?: LookupCaches,
  ) {
    this.principals = lookups?.cache('api_keys', 1_000);
  }

  /** A new key: the key itself is returned this once and never stored. */
  async create(name: string, role: Role, createdBy: string): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!KEY_NAME.test(name)) throw new Error(`A key's name must match ${KEY_NAME}, got "${name}"`);
    if (name === PUBLIC_PRINCIPAL.name) throw new KeyNameTakenError(name);
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const { rows } = await this.db.query(
      `INSERT INTO api_keys (id, name, role, key_hash, created_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO NOTHING
       RETURNING ${COLUMNS}`,
      [randomUUID(), name, role, hashOf(key), createdBy],
    );
    if (rows.length === 0) throw new KeyNameTakenError(name);
    return { key, record: toRecord(rows[0]) };
  }

  /** The principal a key stands for, or undefined for an unknown or revoked key. */
  async principalOf(key: string): Promise<Principal | undefined> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 100) return undefined;
    const hash = hashOf(key);
    const lookUp = async () => {
      const { rows } = await this.db.query<{ name: string; role: Role }>({
        name: 'api-keys.principal',
        text: 'SELECT name, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
        values: [hash],
      });
      return rows[0] && { name: rows[0].name, role: rows[0].role };
    };
    return this.principals ? this.principals.get(hash.toString('base64'), lookUp) : lookUp();
  }

  async list(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, name`);
    return rows.map(toRecord);
  }

  /** Revokes a key for good; revoking it again changes nothing and returns it as it is. */
  async revoke(name: string, revokedBy: string, reason?: string): Promise<ApiKeyRecord> {
    const { rows } = await this.db.query(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $2),
         revoked_reason = CASE WHEN revoked_at IS NULL THEN $3 ELSE revoked_reason END
       WHERE name = $1 RETURNING ${COLUMNS}`,
      [name, revokedBy, reason ?? null],
    );
    this.lookups?.changed('api_keys');
    if (rows.length === 0) throw new KeyNotFoundError(name);
    return toRecord(rows[0]);
  }

  /** Deletes a key that was never handed to anyone (the first admin key whose file could not be written). */
  async forget(name: string): Promise<void> {
    await this.db.query('DELETE FROM api_keys WHERE name = $1', [name]);
    this.lookups?.changed('api_keys');
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>('SELECT count(*)::int AS count FROM api_keys');
    return rows[0].count;
  }
}

const COLUMNS = 'id, name, role, created_at, created_by, revoked_at, revoked_by, revoked_reason';

function hashOf(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function toRecord(row: Record<string, unknown>): ApiKeyRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    role: row.role as Role,
    createdAt: row.created_at as Date,
    createdBy: row.created_by as string,
    ...(row.revoked_at ? { revokedAt: row.revoked_at as Date, revokedBy: row.revoked_by as string } : {}),
    ...(row.revoked_reason ? { revokedReason: row.revoked_reason as string } : {}),
  };
}
