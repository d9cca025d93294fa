import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadSealKey } from '../../src/audit/tamper-evidence/seal-key.js';
import { fromRoot } from '../support/child-processes.js';

const run = promisify(execFile);

describe('the sealing key made on first start', () => {
  it('is one key for processes that start together on an empty data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seal-key-'));
    try {
      const file = join(dir, 'keys', 'seal.pem');
      // Every process loads the key at the same moment, once all have started.
      const at = String(Date.now() + 3000);
      const loads = Array.from({ length: 8 }, () =>
        run(process.execPath, ['--import', 'tsx', fromRoot('test/audit/support/load-seal-key.ts'), file, at], { cwd: fromRoot('.') }),
      );
      const keys = (await Promise.all(loads)).map(({ stdout }) => stdout);
      expect(new Set(keys).size).toBe(1);
      expect(loadSealKey({ file }).publicKey.toString('base64url')).toBe(keys[0]);
      expect(await readdir(join(dir, 'keys'))).toEqual(['seal.pem']);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
