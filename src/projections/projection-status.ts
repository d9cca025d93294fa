import type { Queryable } from '../event-store/index.js';
import { formatCheckpoint } from '../event-store/index.js';
import { DAEMON_APPLICATION, PROJECTION_LOCK_PREFIX, THIS_PROCESS } from './projection-daemon.js';

export interface ProjectionStatus {
  name: string;
  state: 'running' | 'stopped';
  checkpoint: string;
  position: number;
  eventsHandled: number;
  /** Events in the log it has not handled yet, and how long the oldest of them has waited. */
  lagEvents: number;
  lagSeconds: number;
  error?: string;
  errorPosition?: number;
  /**
   * Whether a process works it now: on a server, one holds its advisory lock (ProjectionDaemon);
   * on embedded PostgreSQL, the service's one process always does.
   */
  working: boolean;
  /** Which process works it: `<host>:<pid>`, as its daemon's connection is named. */
  workedBy?: string;
  updatedAt: Date;
}

/**
 * SQL: whether the pg_locks row `lock` is the lock held on the projection named by the SQL
 * expression `name` (ProjectionDaemon takes `pg_try_advisory_lock(hashtext('projection:' || name))`,
 * and pg_locks shows a bigint advisory key as its high and low 32 bits, classid and objid).
 */
export const projectionLockSql = (lock: string, name: string) => `
  ${lock}.locktype = 'advisory' AND ${lock}.granted AND ${lock}.objsubid = 1
  AND ${lock}.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND ${lock}.classid::bigint = (hashtext('${PROJECTION_LOCK_PREFIX}' || ${name})::bigint >> 32) & 4294967295
  AND ${lock}.objid::bigint = hashtext('${PROJECTION_LOCK_PREFIX}' || ${name})::bigint & 4294967295`;

/** Where each projection stands against the log: for /health, the CLI and read-your-writes. */
export async function projectionStatus(db: Queryable, names: readonly string[], options: { embedded?: boolean } = {}): Promise<ProjectionStatus[]> {
  const { rows } = await db.query(
    `SELECT p.name, p.state, p.transaction_id::text, p.position, p.error, p.error_position, p.events_handled, p.updated_at,
            (SELECT coalesce(a.application_name, '') FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE ${projectionLockSql('l', 'p.name')} LIMIT 1) AS lock_holder,
            (SELECT count(*) FROM events e
             WHERE (e.transaction_id, e.global_position) > (p.transaction_id, p.position)) AS lag_events,
            (SELECT extract(epoch FROM now() - e.recorded_at) FROM events e
             WHERE (e.transaction_id, e.global_position) > (p.transaction_id, p.position)
             ORDER BY e.transaction_id, e.global_position LIMIT 1) AS lag_seconds
     FROM projection_checkpoints p WHERE p.name = ANY($1::text[]) ORDER BY p.name`,
    [names],
  );
  return rows.map((row) => ({
    name: row.name,
    state: row.state,
    checkpoint: formatCheckpoint({ transactionId: row.transaction_id, position: Number(row.position) }),
    position: Number(row.position),
    eventsHandled: Number(row.events_handled),
    lagEvents: Number(row.lag_events),
    lagSeconds: Math.max(0, Math.round(Number(row.lag_seconds ?? 0) * 1000) / 1000),
    ...(row.error ? { error: row.error, errorPosition: Number(row.error_position) } : {}),
    working: options.embedded === true || row.lock_holder !== null,
    ...workedBy(row.lock_holder, options.embedded === true),
    updatedAt: row.updated_at,
  }));
}

/** The process a daemon's lock names (see DAEMON_APPLICATION); none for a lock held by anything else. */
function workedBy(applicationName: string | null, embedded: boolean): { workedBy?: string } {
  if (embedded) return { workedBy: THIS_PROCESS };
  const prefix = `${DAEMON_APPLICATION} `;
  return applicationName?.startsWith(prefix) ? { workedBy: applicationName.slice(prefix.length) } : {};
}

/** Whether every named projection has handled the event at this global position. */
export async function projectionsPassed(db: Queryable, names: readonly string[], position: number): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT count(*) = cardinality($2::text[]) AS passed
     FROM events e JOIN projection_checkpoints p ON p.name = ANY($2::text[])
     WHERE e.global_position = $1 AND (p.transaction_id, p.position) >= (e.transaction_id, e.global_position)`,
    [position, names],
  );
  return rows[0].passed;
}
