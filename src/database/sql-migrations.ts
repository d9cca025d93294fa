import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `migrations/` at the repository root, from `src/database` and from `dist/database` alike. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

const DOWN_MARKER = /^-- migrate:down\s*$/m;
const FILE_NAME = /^(\d{13})-([a-z0-9-]+)\.sql$/;

/**
 * Migrations are hand-written SQL files named `<js timestamp>-<name>.sql`, an `up` part and,
 * after a `-- migrate:down` line, a `down` part. Each becomes a TypeORM migration, so TypeORM
 * keeps the ledger of what ran and the health check can ask whether any are pending.
 */
export function loadSqlMigrations(dir = MIGRATIONS_DIR): (new () => MigrationInterface)[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw new Error(`Migration file "${file}" must be named <13-digit timestamp>-<name>.sql`);
      const [up, down = ''] = readFileSync(join(dir, file), 'utf8').split(DOWN_MARKER);
      const name = match[2].replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()) + match[1];
      // TypeORM takes migrations as classes and instantiates them itself.
      return class SqlMigration implements MigrationInterface {
        readonly name = name;
        async up(queryRunner: QueryRunner) {
          await queryRunner.query(up);
        }
        async down(queryRunner: QueryRunner) {
          if (!down.trim()) throw new Error(`Migration ${name} cannot be undone`);
          await queryRunner.query(down);
        }
      };
    });
}
