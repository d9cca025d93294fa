import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

/**
 * How many cases the property tests generate, and the count of those run.
 *
 * Each property names its runs for the everyday suite (a couple of minutes on embedded
 * PostgreSQL); HOSTILE_RUNS multiplies them all (HOSTILE_RUNS=20 for a long hunt), and
 * HOSTILE_SEED replays a run that failed (fast-check prints the seed).
 */
const SCALE = Number(process.env.HOSTILE_RUNS ?? 1);
if (!(SCALE > 0)) throw new Error(`HOSTILE_RUNS must be a positive number, not ${process.env.HOSTILE_RUNS}`);
const SEED = process.env.HOSTILE_SEED === undefined ? undefined : Number(process.env.HOSTILE_SEED);

export const runs = (everyday: number): number => Math.max(1, Math.round(everyday * SCALE));

/** Jest's time for each test of a hostile file: twice its default of 60 s, on a busy machine, and as many times more as HOSTILE_RUNS asks. */
export const TEST_TIMEOUT_MS = 120_000 * Math.max(1, SCALE);

/** Cases this test file ran to the end (a case fc.pre skips, or a failing one, does not count). */
let casesRun = 0;

/** fc.assert with the runs scaled, the cases counted, and the seed replayable; `examples` run first, every time. */
export async function check<T>(
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  everydayRuns: number,
  examples: readonly T[] = [],
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      await predicate(value);
      casesRun++;
    }),
    {
      numRuns: runs(everydayRuns),
      examples: examples.map((example): [T] => [example]),
      ...(SEED === undefined ? {} : { seed: SEED }),
      reporter: reportShortly,
    },
  );
}

/** fast-check's report, with runs of one character (a 100,000-character header) written as a count. */
function reportShortly<T>(details: fc.RunDetails<T>): void {
  if (!details.failed) return;
  const report = fc.defaultReportMessage(details) ?? 'the property failed';
  const short = (text: string) => text.replace(/(.)\1{40,}/gsu, (run, unit: string) => `${unit}{×${[...run].length}}`);
  const cause = details.errorInstance instanceof Error ? details.errorInstance : undefined;
  throw new Error(`${short(report)}${cause ? `\n\nCause: ${short(cause.message)}` : ''}`);
}

/** An example test's case (a fixed hostile input) counts too. */
export function counted(cases = 1): void {
  casesRun += cases;
}

const here = dirname(fileURLToPath(import.meta.url));
const hostileFiles = () => readdirSync(join(here, '..')).filter((name) => name.endsWith('.test.ts'));

/**
 * Jest runs test files in band or in worker processes, each file with its own modules, so the
 * files of one run meet in a ledger file named after the Jest process (and its start time, in case
 * its pid comes round again). Each file adds its count and prints the total so far; the last
 * hostile file to finish prints the suite's total.
 */
export function reportCases(testFile: string): void {
  const jestPid = typeof process.send === 'function' ? process.ppid : process.pid;
  const started = existsSync(`/proc/${jestPid}/stat`) ? readFileSync(`/proc/${jestPid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19] : '';
  const ledger = join(tmpdir(), `hostile-cases-${jestPid}-${started}.jsonl`);
  const file = basename(testFile);
  appendFileSync(ledger, JSON.stringify({ file, cases: casesRun }) + '\n');
  const entries = readFileSync(ledger, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { file: string; cases: number });
  const total = entries.reduce((sum, entry) => sum + entry.cases, 0);
  const all = hostileFiles();
  const scale = SCALE === 1 ? '' : ` (HOSTILE_RUNS=${SCALE})`;
  const complete = entries.length >= all.length;
  if (complete) rmSync(ledger, { force: true });
  const summary = complete
    ? `Hostile input: ${total} generated cases in all ${all.length} files of test/hostile${scale}.`
    : `Hostile input: ${total} generated cases so far in ${entries.length} of ${all.length} files of test/hostile${scale}.`;
  console.log(`${file}: ${casesRun} generated cases. ${summary}`);
}
