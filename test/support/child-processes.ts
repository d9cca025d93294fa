import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * Node processes started by a test, to be killed with SIGKILL or stopped with SIGTERM. Every
 * process started here is remembered, so `stopAllProcesses()` in afterAll kills whatever a
 * failed test left running.
 */

const root = new URL('../../', import.meta.url);
export const fromRoot = (path: string) => fileURLToPath(new URL(path, root));

/**
 * How tests run the application's own entry points (src/main.ts, src/worker.ts) without a build.
 * tsx alone cannot run them (it emits no decorator metadata, which Nest's injection needs), so
 * the hooks in with-decorator-metadata.mjs compile src/ with it.
 */
export const RUN_SOURCES = ['--import', 'tsx', '--import', fromRoot('test/projections/support/with-decorator-metadata.mjs')];

export interface NodeProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when its output contains `text`; rejects when it exits first or after `timeoutMs`. */
  said(text: string, timeoutMs?: number): Promise<void>;
  /** Whether it has exited (or been killed). */
  exited(): boolean;
  /** SIGKILL, and waits until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, and waits until it is gone: a clean shutdown (SIGKILL after 20 s). */
  terminate(): Promise<void>;
}

const running = new Set<NodeProcess>();

/** `node <args>` in the repository's root, with `env` added to this process's environment. */
export function startNode(name: string, args: string[], env: Record<string, string>): NodeProcess {
  const child = spawn(process.execPath, args, {
    cwd: fromRoot('.'),
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  const exit = once(child, 'exit');
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      output += chunk;
      waiters.forEach((check) => check());
    });
  }
  child.on('exit', () => waiters.forEach((check) => check()));

  const stopWith = async (signal: NodeJS.Signals) => {
    if (!exited()) {
      child.kill(signal);
      // A clean shutdown that hangs is ended the hard way, so that no test waits on it.
      const hard = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(hard);
    }
    running.delete(handle);
  };
  const handle: NodeProcess = {
    name,
    child,
    pid: child.pid!,
    output: () => output,
    exited,
    said(text, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`${name} did not say "${text}" in ${timeoutMs} ms; it said:\n${output}`)), timeoutMs);
        const check = () => {
          if (output.includes(text)) finish();
          else if (exited()) {
            finish(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before saying "${text}"; it said:\n${output}`));
          }
        };
        const finish = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve();
        };
        waiters.add(check);
        check();
      });
    },
    kill: () => stopWith('SIGKILL'),
    terminate: () => stopWith('SIGTERM'),
  };
  running.add(handle);
  return handle;
}

export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((started) => started.kill()));
}
