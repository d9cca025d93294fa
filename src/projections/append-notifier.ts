import type { Pool } from 'pg';
import type { EventStore } from '../event-store/index.js';

export const APPENDS_CHANNEL = 'events_appended';

/**
 * Tells projection workers in other processes that this process appended, with a NOTIFY sent
 * on its own, outside the appending transactions, at most once per `intervalMs`. A NOTIFY
 * inside each append would make every commit queue on PostgreSQL's notification lock: it cut
 * the append rate by three quarters. A missed notification costs a worker one poll.
 */
export function notifyAppends(store: EventStore, pool: Pool, intervalMs = 20): () => void {
  let pending: NodeJS.Timeout | undefined;
  const send = () => {
    pending = undefined;
    pool.query(`SELECT pg_notify('${APPENDS_CHANNEL}', '')`).catch(() => {});
  };
  const unsubscribe = store.onAppended(() => {
    pending ??= setTimeout(send, intervalMs);
  });
  return () => {
    unsubscribe();
    if (pending) clearTimeout(pending);
  };
}
