import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ApiKeys, KeyNameTakenError } from './api-keys.js';

export const FIRST_ADMIN = 'first-admin';

/**
 * A new installation has no keys, and every endpoint needs one. The first start makes an admin
 * key and leaves it in a file only its owner can read, rather than in the log, where log
 * collectors would keep it. Returns the file's path when it made one.
 */
export async function ensureFirstAdminKey(keys: ApiKeys, file: string): Promise<string | undefined> {
  if ((await keys.count()) > 0) return undefined;
  try {
    const { key } = await keys.create(FIRST_ADMIN, 'admin', 'first start');
    try {
      mkdirSync(dirname(file), { recursive: true });
      // A file left from an earlier database keeps its mode when written over: made anew, it is 0600 from the start.
      rmSync(file, { force: true });
      writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // A key nobody holds would lock the installation out: the next start makes another.
      await keys.forget(FIRST_ADMIN);
      throw error;
    }
    return file;
  } catch (error) {
    // Another process starting at the same moment made it.
    if (error instanceof KeyNameTakenError) return undefined;
    throw error;
  }
}
