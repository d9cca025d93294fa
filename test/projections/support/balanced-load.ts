import { assassinationBody, statementBody } from '../../../src/incidents/http/dto/testing/worked-example-body.js';
import { getPatiently, type Client } from '../../reliability/support/http.js';

/**
 * Clients recording incidents over HTTP through several APIs, as a load balancer spreads them:
 * each request goes to the next API in turn. After each write a client reads it back through
 * another API than the one that took it: the incident at once (folded from the log), and the
 * timeline with the write's position as minPosition (from the read models).
 */

export interface Write {
  requestId: string;
  /** Which API took the write, and which one it was read back through. */
  writtenThrough: number;
  readThrough: number;
  title: string;
  /** The one day it occurred on: a timeline filter that finds it alone. */
  day: string;
  /** Date.now() when it was sent. */
  sentAt: number;
  /** The 201's body. */
  result: { id: string; version: number; position: number };
}

export interface Problem {
  requestId: string;
  what: string;
}

export interface BalancedLoad {
  acknowledged: Write[];
  /** Writes answered other than 201, reads that did not show the write, requests that failed: none expected. */
  problems: Problem[];
  /** Timeline reads answered 503 (the read models had not reached the write in 5 s) before a retry showed it. */
  retriedReads: number;
  /** The longest a client waited for the timeline to show its write, in ms. */
  slowestTimelineReadMs: number;
  /** Lets every client finish the write and reads it is at, then stop; resolves when all have. */
  stop(): Promise<void>;
}

/**
 * How long a client retries a timeline read answered 503: far beyond a takeover (5 s), and short
 * enough that a load whose read models never catch up stops soon and its test fails.
 */
const READ_PATIENCE_MS = 15_000;

/** A distinct day for each write, from 2001-01-01 on. */
const dayNumber = (n: number) => new Date(Date.UTC(2001, 0, 1 + n)).toISOString().slice(0, 10);

/**
 * The worked example's bodies in turn, one with a single victim, each on a day of its own and
 * titled with its request. Each names an actor: readModelDiscrepancies expects timeline_actors
 * rows for every incident.
 */
function incidentBody(requestId: string, n: number, day: string): { body: any; title: string } {
  const body = [assassinationBody, statementBody, singleVictimBody][n % 3]!();
  body.title.text = `${body.title.text} (${requestId})`;
  body.occurred = { from: day, precision: 'day' };
  // The worked example's related incident is not in this database.
  delete body.related;
  return { body, title: body.title.text };
}

function singleVictimBody(): any {
  const body = assassinationBody();
  body.actors = body.actors.slice(0, 1);
  body.fatalities = { low: 1, best: 1, high: 1 };
  return body;
}

export function startBalancedLoad(apis: readonly Client[], clients: number): BalancedLoad {
  const load: Omit<BalancedLoad, 'stop'> = { acknowledged: [], problems: [], retriedReads: 0, slowestTimelineReadMs: 0 };
  let stopped = false;
  let requests = 0;
  let days = 0;

  const writeAndReadBack = async (clientNumber: number, n: number): Promise<void> => {
    const requestId = `balanced-${clientNumber}-${n}`;
    // A load balancer's round robin: the write and the reads after it land on different APIs.
    const writtenThrough = requests++ % apis.length;
    const readThrough = (writtenThrough + 1) % apis.length;
    const day = dayNumber(days++);
    const { body, title } = incidentBody(requestId, n, day);
    const sentAt = Date.now();
    const reply = await apis[writtenThrough]!.post('/incidents', {
      body,
      headers: { 'X-Request-Id': requestId, 'Idempotency-Key': requestId },
    });
    if (reply.status !== 201) {
      load.problems.push({ requestId, what: `POST /incidents answered ${reply.status}: ${JSON.stringify(reply.body)}` });
      return;
    }
    const write: Write = { requestId, writtenThrough, readThrough, title, day, sentAt, result: reply.body };
    load.acknowledged.push(write);
    const reader = apis[readThrough]!;

    const incident = await reader.get(`/incidents/${write.result.id}`);
    if (incident.status !== 200 || incident.body.title?.text !== title) {
      load.problems.push({ requestId, what: `GET /incidents/:id through the other API answered ${incident.status}: ${JSON.stringify(incident.body)}` });
    }

    const readStarted = Date.now();
    const query = new URLSearchParams({ minPosition: String(write.result.position), from: day, to: day });
    let page = await reader.get(`/timeline?${query}`);
    if (page.status === 503) {
      load.retriedReads++;
      page = await getPatiently(reader, `/timeline?${query}`, READ_PATIENCE_MS);
    }
    load.slowestTimelineReadMs = Math.max(load.slowestTimelineReadMs, Date.now() - readStarted);
    const ids = page.status === 200 ? page.body.entries.map((entry: { id: string }) => entry.id) : [];
    if (JSON.stringify(ids) !== JSON.stringify([write.result.id])) {
      load.problems.push({ requestId, what: `GET /timeline?${query} through the other API answered ${page.status}: ${JSON.stringify(page.body)}` });
    }
  };

  const running = Promise.all(
    Array.from({ length: clients }, async (_, clientNumber) => {
      for (let n = 0; !stopped; n++) {
        try {
          await writeAndReadBack(clientNumber, n);
        } catch (error) {
          // No API is killed here: a request that gets no answer at all is a failure.
          load.problems.push({ requestId: `balanced-${clientNumber}-${n}`, what: `no answer: ${error}` });
          return;
        }
      }
    }),
  );

  return Object.assign(load, {
    async stop() {
      stopped = true;
      await running;
    },
  });
}
