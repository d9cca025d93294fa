/**
 * The service over HTTP, as `npm start` runs it, under autocannon with 32 connections:
 * `POST /incidents` (each request a new, distinct incident) and then `GET /timeline` (a mix of
 * the filters analysts use) on what those writes recorded. Requests/s, p50 and p99 latency, as
 * medians over BENCH_ROUNDS rounds of BENCH_SECONDS each, and the service's peak memory.
 *
 *   npm run bench:http          BENCH_ROUNDS=3 BENCH_SECONDS=10; builds first (it runs dist/)
 *
 * The service runs in a child process on a scratch database of the local server, with its
 * projections in process (the default) and its log at the default level, as deployed.
 *
 * The reference, measured in the same run on the same database: the service's own work for the
 * same requests, called in this process with as many in flight (support/in-process.ts), reads
 * while the service is idle and records once it is stopped. Its figures bound what any web layer
 * could reach on this machine; the ratio is the service's share of them.
 */
import autocannon from 'autocannon';
import pg from 'pg';
import { median, positiveInteger, withScratchDatabase } from './support/bench-database.js';
import { incidentBody } from './support/incident-bodies.js';
import { isEntryPoint } from './support/entry-point.js';
import { closedLoop, InProcessService, type LoadFigures } from './support/in-process.js';
import { startService, type BenchService } from './support/service.js';

const CONNECTIONS = 32;
const WARM_UP_SECONDS = 3;

export const HTTP_GOALS = { writesPerSecond: 2000, writeP99Ms: 50, readP99Ms: 20, peakMemoryMb: 250 };

/** What analysts' pages ask of the timeline: the newest page, a region, a period, a category, an actor's. */
const TIMELINE_READS = [
  '/timeline?limit=50',
  '/timeline?region=SY09&limit=50',
  '/timeline?from=2018-01-01&to=2018-12-31&limit=50',
  '/timeline?category=assassination&limit=50',
  '/timeline?region=SY0902&from=2017-01-01&limit=20',
];

export interface HttpBenchResult {
  connections: number;
  rounds: number;
  seconds: number;
  writes: LoadFigures & { rounds: LoadFigures[]; inProcess: LoadFigures };
  reads: LoadFigures & { rounds: LoadFigures[]; incidents: number; inProcess: LoadFigures };
  peakMemoryMb: number;
  goals: typeof HTTP_GOALS;
}

export async function benchHttp(options: { rounds?: number; seconds?: number; log?: (line: string) => void } = {}): Promise<HttpBenchResult> {
  const rounds = options.rounds ?? positiveInteger('BENCH_ROUNDS', 3);
  const seconds = options.seconds ?? positiveInteger('BENCH_SECONDS', 10);
  const log = options.log ?? console.log;
  return withScratchDatabase('bench_http', async (url) => {
    const service = await startService(url);
    try {
      log(`HTTP benchmark: ${CONNECTIONS} connections, ${rounds} rounds x ${seconds} s per endpoint, service pid ${service.pid}`);
      let next = 0;
      let acknowledged = 0;
      const write = async (duration: number) => {
        const figures = await load(service, duration, () => ({ method: 'POST', path: '/incidents', body: JSON.stringify(incidentBody(next++)) }));
        acknowledged += figures.answered;
        return figures;
      };
      let reads = 0;
      const read = (duration: number) => load(service, duration, () => ({ method: 'GET', path: TIMELINE_READS[reads++ % TIMELINE_READS.length]! }));

      await write(WARM_UP_SECONDS);
      const writeRounds: LoadFigures[] = [];
      for (let round = 1; round <= rounds; round++) {
        writeRounds.push(await write(seconds));
        log(line(`POST /incidents, round ${round}`, writeRounds.at(-1)!));
      }
      const incidents = await loggedIncidents(url, acknowledged, next);
      await caughtUp(service, url);

      await read(WARM_UP_SECONDS);
      const readRounds: LoadFigures[] = [];
      for (let round = 1; round <= rounds; round++) {
        readRounds.push(await read(seconds));
        log(line(`GET /timeline, round ${round}`, readRounds.at(-1)!));
      }
      const peakMemoryMb = await service.peakMemoryMb();

      const reference = await InProcessService.open(url, service.key);
      try {
        let referenceReads = 0;
        const readInProcess = (duration: number) =>
          closedLoop(CONNECTIONS, duration, () => reference.read(TIMELINE_READS[referenceReads++ % TIMELINE_READS.length]!));
        const readReference = await referenceRounds(rounds, seconds, readInProcess, 'GET /timeline, in process', log);
        // Its projections would follow the records the reference makes, on the same two cores.
        await service.stop();
        const writeInProcess = (duration: number) => closedLoop(CONNECTIONS, duration, () => reference.record(incidentBody(next++)));
        const writeReference = await referenceRounds(rounds, seconds, writeInProcess, 'POST /incidents, in process', log);
        return {
          connections: CONNECTIONS,
          rounds,
          seconds,
          writes: { ...medians(writeRounds), rounds: writeRounds, inProcess: writeReference },
          reads: { ...medians(readRounds), rounds: readRounds, incidents, inProcess: readReference },
          peakMemoryMb,
          goals: HTTP_GOALS,
        };
      } finally {
        await reference.stop();
      }
    } finally {
      await service.stop();
    }
  });
}

/**
 * One run of autocannon. Only 2xx answers count: a benchmark that counted refusals (a 4xx, a 503)
 * as throughput would be lying, so any other answer fails the run.
 */
async function load(service: BenchService, seconds: number, request: () => { method: 'GET' | 'POST'; path: string; body?: string }): Promise<LoadFigures> {
  const result = await autocannon({
    url: service.url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${service.key}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, ...request() }) }],
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${result.non2xx} answers were not 2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { answered: result['2xx'], requestsPerSecond: result['2xx'] / seconds, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}

/**
 * Every acknowledged write is in the log, and nothing that was not sent: the writes in flight when
 * a round ends are cut off unanswered, so the log may hold a few more than were acknowledged.
 */
async function loggedIncidents(url: string, acknowledged: number, made: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM events WHERE type = 'incident.recorded'`);
    if (rows[0].n < acknowledged || rows[0].n > made) {
      throw new Error(`${acknowledged} incidents acknowledged of ${made} sent, but ${rows[0].n} in the log`);
    }
    return rows[0].n;
  } finally {
    await client.end();
  }
}

/**
 * Reads are measured on read models that hold every write, not on ones still catching up, and
 * whose statistics are current: autovacuum gathers them within its minute's nap, which a
 * database made for the run has not yet had, and without them the planner sorts whole regions.
 */
async function caughtUp(service: BenchService, url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT max(global_position)::bigint AS last FROM events');
    // minPosition answers 503 after 5 s while the projections are behind: ask again until they are not.
    for (let tries = 0; tries < 120; tries++) {
      const answer = await fetch(`${service.url}/timeline?limit=1&minPosition=${rows[0].last}`, { headers: { authorization: `Bearer ${service.key}` } });
      if (answer.ok) {
        await client.query('ANALYZE');
        return;
      }
      if (answer.status !== 503) throw new Error(`GET /timeline answered ${answer.status}: ${await answer.text()}`);
    }
    throw new Error('The projections did not catch up within 10 minutes');
  } finally {
    await client.end();
  }
}

/** The reference's rounds after a warm-up, as the service's; their medians. */
async function referenceRounds(
  rounds: number,
  seconds: number,
  run: (seconds: number) => Promise<LoadFigures>,
  label: string,
  log: (line: string) => void,
): Promise<LoadFigures> {
  await run(WARM_UP_SECONDS);
  const figures: LoadFigures[] = [];
  for (let round = 1; round <= rounds; round++) {
    figures.push(await run(seconds));
    log(line(`${label}, round ${round}`, figures.at(-1)!));
  }
  return medians(figures);
}

function medians(rounds: LoadFigures[]): LoadFigures {
  return {
    answered: median(rounds.map((round) => round.answered)),
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
  };
}

const ratio = (figures: LoadFigures & { inProcess: LoadFigures }) => (figures.requestsPerSecond / figures.inProcess.requestsPerSecond).toFixed(2);

const line = (label: string, { requestsPerSecond, p50Ms, p99Ms }: LoadFigures) =>
  `${label.padEnd(38)} ${Math.round(requestsPerSecond).toLocaleString('en').padStart(7)}/s  p50 ${ms(p50Ms)}  p99 ${ms(p99Ms)}`;

/** Autocannon's latencies are whole milliseconds, the reference's to a tenth. */
const ms = (value: number) => `${Number(value.toFixed(1))} ms`;

if (isEntryPoint(import.meta.url)) {
  const result = await benchHttp();
  console.log(`\n${line('POST /incidents (median)', result.writes)}   goal >= ${HTTP_GOALS.writesPerSecond}/s, p99 <= ${HTTP_GOALS.writeP99Ms} ms`);
  console.log(`${line('GET /timeline (median)', result.reads)}   goal p99 <= ${HTTP_GOALS.readP99Ms} ms (${result.reads.incidents} incidents)`);
  console.log(`${line('reference: records in process', result.writes.inProcess)}   the service: ${ratio(result.writes)} of its rate`);
  console.log(`${line('reference: reads in process', result.reads.inProcess)}   the service: ${ratio(result.reads)} of its rate`);
  console.log(`service peak memory: ${Math.round(result.peakMemoryMb)} MB (goal <= ${HTTP_GOALS.peakMemoryMb} MB)`);
}
