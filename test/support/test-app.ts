import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp, type AppOptions } from '../../src/app.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  close(): Promise<void>;
}

/** The whole HTTP application on a database of the test file's own. */
export async function openTestApp(options: Pick<AppOptions, 'sealing'> = {}): Promise<TestApp> {
  const db = await openTestDatabase();
  const serverUrl = db.target.embedded ? undefined : db.target.url;
  const app = await createApp(db.dataSource, { logger: ['error'], projections: { runInProcess: true, serverUrl, pollMs: 200 }, ...options });
  await app.init();
  return {
    app,
    db,
    async close() {
      await app.close();
      await db.close();
    },
  };
}
