import { Command, InvalidArgumentError } from 'commander';
import { userInfo } from 'node:os';
import type { DataSource } from 'typeorm';
import { poolOf } from '../database/data-source.js';
import { ApiKeys, KEY_NAME } from './api-keys.js';
import { isRole, ROLES, type Role } from './roles.js';

type WithDatabase = <T>(work: (dataSource: DataSource) => Promise<T>) => Promise<T>;

/** Who runs a key command: recorded as the key's creator or revoker. */
const operator = () => `cli:${userInfo().username}`;

/** `npm run cli -- keys create --role <role> --name <name>`, `keys list`, `keys revoke <name>` */
export function keysCommand(withDatabase: WithDatabase): Command {
  const command = new Command('keys').description('API keys: each has a name and a role, and is kept only as a hash');

  command
    .command('create')
    .description('create a key; the key is printed as the last line, this once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
    .requiredOption('--name <name>', 'who holds it, recorded on every write it makes (letters, digits, ._@+-)', parseName)
    .action(({ role, name }: { role: Role; name: string }) =>
      withDatabase(async (dataSource) => {
        const { key } = await new ApiKeys(poolOf(dataSource)).create(name, role, operator());
        console.log(`Created the ${role} key "${name}". Keep it now: only its hash is stored.`);
        console.log(key);
      }),
    );

  command
    .command('list')
    .description('list every key, revoked ones included (never the keys themselves)')
    .action(() =>
      withDatabase(async (dataSource) => {
        const keys = await new ApiKeys(poolOf(dataSource)).list();
        if (keys.length === 0) console.log('No keys yet: create one with `keys create --role admin --name <name>`.');
        for (const key of keys) {
          const state = key.revokedAt
            ? `revoked ${key.revokedAt.toISOString()} by ${key.revokedBy}${key.revokedReason ? ` (${key.revokedReason})` : ''}`
            : 'active';
          console.log(`${key.name}\t${key.role}\t${state}\tcreated ${key.createdAt.toISOString()} by ${key.createdBy}`);
        }
      }),
    );

  command
    .command('revoke <name>')
    .description('revoke a key: it stops working at once')
    .option('--reason <why>', 'kept with the key, for whoever reads the list later')
    .action((name: string, { reason }: { reason?: string }) =>
      withDatabase(async (dataSource) => {
        const key = await new ApiKeys(poolOf(dataSource)).revoke(name, operator(), reason);
        console.log(`Revoked the ${key.role} key "${key.name}" (${key.revokedAt!.toISOString()}).`);
      }),
    );
  return command;
}

function parseRole(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return value;
}

function parseName(value: string): string {
  if (!KEY_NAME.test(value)) throw new InvalidArgumentError('must be 1 to 100 letters, digits or ._@+-, starting with a letter or digit');
  return value;
}
