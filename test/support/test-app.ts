import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ApiKeys } from '../../src/access/api-keys.js';
import type { Role } from '../../src/access/roles.js';
import { createApp, type AppOptions } from '../../src/app.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  keys: ApiKeys;
  /** Requests as the test's admin ("test-admin"), who may do everything. */
  http(): request.Agent;
  /** Requests with a key of this name and role, made on first use. */
  as(name: string, role?: Role): Promise<request.Agent>;
  /** Requests without a key. */
  anonymous(): request.Agent;
  close(): Promise<void>;
}

/**
 * The whole HTTP application on a database of the test file's own, working the projections
 * itself unless told `projections: { runInProcess: false }` (as an API beside workers).
 */
export async function openTestApp({
  projections = { runInProcess: true },
  ...options
}: Omit<AppOptions, 'projections'> & { projections?: { runInProcess: boolean } } = {}): Promise<TestApp> {
  const db = await openTestDatabase();
  const serverUrl = db.target.embedded ? undefined : db.target.url;
  const app = await createApp(db.dataSource, {
    logging: { level: 'error' },
    projections: { runInProcess: projections.runInProcess, serverUrl, pollMs: 200 },
    ...options,
  });
  await app.init();
  // The application's own: a key revoked through it is refused on the very next request.
  const keys = app.get(ApiKeys);
  const agents = new Map<string, { role: Role; agent: request.Agent }>();
  const agentWith = (key: string) => request.agent(app.getHttpServer()).set('Authorization', `Bearer ${key}`);
  const admin = agentWith((await keys.create('test-admin', 'admin', 'test')).key);
  return {
    app,
    db,
    keys,
    http: () => admin,
    async as(name, role = 'admin') {
      const known = agents.get(name);
      if (known) {
        if (known.role !== role) throw new Error(`The test key "${name}" is a ${known.role}, not a ${role}`);
        return known.agent;
      }
      const agent = agentWith((await keys.create(name, role, 'test')).key);
      agents.set(name, { role, agent });
      return agent;
    },
    anonymous: () => request.agent(app.getHttpServer()),
    async close() {
      await app.close();
      await db.close();
    },
  };
}
