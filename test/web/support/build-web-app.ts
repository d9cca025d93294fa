import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_APP_DIR } from '../../../src/app.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The newest modification time of the files that make the page (web/ and what it imports from src/). */
function newestSource(): number {
  const roots = [join(REPO_ROOT, 'web'), join(REPO_ROOT, 'src', 'incidents', 'domain'), join(REPO_ROOT, 'src', 'access', 'roles.ts'), join(REPO_ROOT, 'package-lock.json')];
  let newest = 0;
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const root of roots) if (existsSync(root)) visit(root);
  return newest;
}

/**
 * Builds the page into dist/web (as `npm run build` does after `nest build`) unless it is there
 * and newer than its sources: a test run after a change to web/ never tests an old page.
 */
export function buildWebApp(): void {
  const index = join(WEB_APP_DIR, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource()) return;
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(REPO_ROOT, 'web', 'vite.config.ts')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 120_000,
  });
}
