import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (PostgreSQL compiled to WebAssembly) and serves it over the PostgreSQL wire
 * protocol on a loopback port the OS picks, so the `pg` driver and our SQL work unchanged.
 * `dataDir` undefined keeps everything in memory (tests).
 *
 * PGlite is a single backend: it runs one session. The socket server queues whole
 * transactions per connection, but statements of two connections outside a transaction can
 * interleave at the protocol level, so clients must use a single connection (pool size 1).
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  // Extensions must be bundled into PGlite up front; CREATE EXTENSION then finds them.
  const db = await PGlite.create(dataDir ?? 'memory://', { extensions: { pg_trgm } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
