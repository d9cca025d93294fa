import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The service as `npm start` runs it (the build in dist/, `node dist/main.js`), as a child
 * process of the benchmark: the benchmark's own work (autocannon, seeding) does not count in the
 * service's CPU or memory, and its peak memory is read from the kernel.
 */
export interface BenchService {
  url: string;
  /** The admin key the first start wrote to DATA_DIR. */
  key: string;
  pid: number;
  /** Peak resident memory so far, in MB (VmHWM: the kernel's high-water mark for the process). */
  peakMemoryMb(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The checkout whose build runs: this one, or BENCH_SERVICE_DIR, another checkout built beside it
 * (`git worktree add`), to measure two versions side by side with the same benchmark.
 */
const root = resolve(process.env.BENCH_SERVICE_DIR ?? fileURLToPath(new URL('../../', import.meta.url)));

/**
 * BENCH_PROFILE_DIR: run the service with V8's CPU profiler, which writes a .cpuprofile there when
 * the service stops (open it in Chrome's DevTools). NODE_OPTIONS cannot carry --cpu-prof.
 */
const profiling = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_PROFILE_DIR)}`] : [];

export async function startService(databaseUrl: string, env: Record<string, string> = {}): Promise<BenchService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-service-'));
  const child = spawn(process.execPath, [...profiling, join(root, 'dist/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: '0',
      // A benchmark is one client hammering the service: the per-key limit would answer 429.
      RATE_LIMIT_PER_MINUTE: '0',
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Read (and drop) its log as it comes: a full pipe would stall the service.
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      if (output.length < 100_000) output += chunk;
    });
  }
  try {
    const url = await listening(child, () => output);
    const key = (await readFile(join(dataDir, 'first-admin.key'), 'utf8')).trim();
    return {
      url,
      key,
      pid: child.pid!,
      peakMemoryMb: () => peakMemoryMb(child.pid!),
      stop: async () => {
        await stop(child);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stop(child);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function listening(child: ChildProcess, output: () => string): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const url = /Listening on (http:\/\/\S+)/.exec(output())?.[1];
    if (url) return url;
    if (child.exitCode !== null) throw new Error(`The service exited before listening:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`The service did not listen within 2 minutes:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function peakMemoryMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kb / 1024;
}
