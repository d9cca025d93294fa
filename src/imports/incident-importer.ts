import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { parse as parseUuid, v5 as uuidv5 } from 'uuid';
import type { Clock } from '../common/clock.js';
import { compact } from '../common/plain-data.js';
import { isEmbeddedPool } from '../database/data-source.js';
import { ProblemError, type FieldError } from '../common/problem.js';
import {
  canonicalJson,
  StreamsExistError,
  WrongExpectedVersionError,
  type EventMetadata,
  type EventStore,
  type Queryable,
  type RecordedEvent,
} from '../event-store/index.js';
import { resolveActors, type ActorLookup } from '../incidents/commands/resolve-actors.js';
import { resolveIncidentPlace, type PlaceLookup } from '../incidents/commands/resolve-place.js';
import {
  decide,
  initialState,
  IncidentRuleViolation,
  type IncidentEvent,
  type Place,
  type RecordedIncident,
  type RecordIncident,
} from '../incidents/domain/index.js';
import type { IncidentRecordedData } from '../incidents/domain/incident.events.js';
import { recordIncidentValidator, type BodyCheck } from '../incidents/http/dto/fast-validation.js';
import type { RecordIncidentDto } from '../incidents/http/dto/index.js';
import { toRecordIncident } from '../incidents/http/dto/to-command.js';
import { foldIncident, incidentStreamId } from '../incidents/incident-stream.js';
import { changesOfRow, decideAll } from './reconcile.js';

/** One row of an import file, as its reader made it. */
export interface ImportRow {
  /** Where the row starts in the file (1-based), for reports and for the events' metadata. */
  line: number;
  /** The incident as POST /incidents takes it; absent when the row could not be read. */
  body?: unknown;
  /** Why the row could not be read. */
  problem?: string;
  /** A digest of the row as written: a row with its incident's last digest is unchanged, and left alone. */
  digest: string;
  /** How far through the file the row ends, as a share of its size (for the progress bar). */
  through?: number;
}

/** A row's digest: the SHA-256 of its text, as the readers take it. */
export const digestOf = (text: string) => createHash('sha256').update(text).digest('base64url');

export interface RowProblem {
  line: number;
  reason: string;
  errors?: FieldError[];
}

export interface ImportSummary {
  read: number;
  recorded: number;
  unchanged: number;
  corrected: number;
  rejected: number;
  problems: RowProblem[];
  /** Rows (recorded, unchanged or corrected) that changed fields an analyst had changed too: the analyst's values stay. */
  kept: { line: number; incidentId: string; fields: string[] }[];
  seconds: number;
  /** The log position of the last event written, for read-your-writes (`minPosition`). */
  lastPosition?: number;
}

export interface ImportDependencies {
  db: Queryable;
  store: EventStore;
  actors: ActorLookup;
  places: PlaceLookup;
  clock: Clock;
}

export interface ImportOptions {
  /** What the rows are (`ucdp-ged`, `ndjson`) and where they came from: kept on every event. */
  format: string;
  file: string;
  /** Who imports, recorded as each event's actor. */
  actor: string;
  /** Stop at the first bad row instead of reporting and skipping it. */
  strict?: boolean;
  /** Rows appended per statement. */
  batchSize?: number;
  /** After each row: the summary so far, and how far through the file that row ends (0..1). */
  onProgress?: (summary: ImportSummary, through: number) => void;
  /** Judges a body as POST /incidents does; by default with the API's own rules (fast-validation.ts). */
  validate?: (body: unknown) => BodyCheck<RecordIncidentDto>;
}

/** The import stopped at a bad row (`--strict`); the rows before it are recorded. */
export class ImportStopped extends Error {
  constructor(
    readonly problem: RowProblem,
    readonly summary: ImportSummary,
  ) {
    super(`line ${problem.line}: ${problem.reason}`);
  }
}

/**
 * Incident and source ids made from what identifies them (UUID version 5), so the same row
 * always gets the same ids. Bytes in, not strings: uuid's own UTF-8 conversion costs more than
 * the hash.
 */
/** The API's rules for POST /incidents, compiled once. */
const judgeAsTheApi = recordIncidentValidator();

const IMPORT_NAMESPACE = parseUuid('3b0c5f3e-6d7a-4b8e-9f21-7c4d2a1e9b50');
const importId = (name: string) => uuidv5(Buffer.from(name), IMPORT_NAMESPACE);

/**
 * Records incidents from rows, in bulk: each row is judged as POST /incidents judges a body, its
 * actors and place resolved (each distinct name or place once per import), and the new incidents
 * of a batch started together (EventStore.startStreams: one COPY or one statement) while the next
 * batch is prepared. Read models catch up afterwards.
 *
 * An incident's id follows from the row's external ids (or, without them, from the whole row), so
 * importing the same file again records nothing: a row whose digest is the one its incident was
 * last imported with is unchanged, and a changed row becomes corrections (see reconcile.ts).
 * Each row's events are appended in one transaction: a row is recorded whole or not at all.
 */
export class IncidentImporter {
  private readonly run = randomUUID();
  private readonly places = new Map<string, Promise<Place>>();
  private readonly lines = new Map<string, number>();
  private readonly summary: ImportSummary = { read: 0, recorded: 0, unchanged: 0, corrected: 0, rejected: 0, problems: [], kept: [], seconds: 0 };
  private pending: PreparedRow[] = [];
  /** COPY where the database takes it: a pool on a server (embedded PostgreSQL does not carry COPY over its socket). */
  private readonly copy = this.deps.db instanceof pg.Pool && !isEmbeddedPool(this.deps.db);
  /**
   * The batches being written, oldest first: the next one is prepared meanwhile, so Node and the
   * database both work. Two at a time, each in its own transaction, so Node need not wait while the
   * database finishes one (its COPY, its commit) before it starts the next.
   */
  private writing: Promise<void>[] = [];

  constructor(
    private readonly deps: ImportDependencies,
    private readonly options: ImportOptions,
  ) {}

  /** Imports the rows, once: an importer is one run, with one summary. */
  async import(rows: AsyncIterable<ImportRow>): Promise<ImportSummary> {
    const started = performance.now();
    // Strict: a row at a time, in order, so that nothing after the row that stops it is written.
    const batchSize = this.options.strict ? 1 : (this.options.batchSize ?? 500);
    let through = 0;
    const progress = () => {
      this.summary.seconds = (performance.now() - started) / 1000;
      this.options.onProgress?.(this.summary, through);
    };
    try {
      for await (const row of rows) {
        through = row.through ?? through;
        this.summary.read += 1;
        const prepared = await this.prepare(row);
        const earlier = 'problem' in prepared ? undefined : this.firstLineOf(prepared);
        if ('problem' in prepared) {
          await this.refuse(prepared.problem);
        } else if (earlier !== undefined) {
          // Two rows of one file for one incident: which one holds is not for an import to guess.
          await this.refuse({ line: row.line, reason: `the same incident as line ${earlier} (the same external ids, or the same row twice)` });
        } else {
          this.pending.push(prepared);
          if (this.pending.length >= batchSize) await this.flush();
        }
        progress();
      }
      await this.flush();
      await this.written();
      this.summary.problems.sort((a, b) => a.line - b.line);
    } catch (error) {
      // Whatever stopped the import, the batches being written end first: the summary then says what is in.
      await Promise.allSettled(this.writing);
      progress();
      throw error instanceof ImportStopped ? error : Object.assign(error as Error, { summary: this.summary });
    }
    progress();
    return this.summary;
  }

  /**
   * The line of an earlier row of this import for the same incident, if any; otherwise remembers
   * this one (about 100 bytes a row: a million rows take some 100 MB).
   */
  private firstLineOf(row: PreparedRow): number | undefined {
    const earlier = this.lines.get(row.streamId);
    if (earlier === undefined) this.lines.set(row.streamId, row.row.line);
    return earlier;
  }

  /** Reports a bad row, or with `strict` stops at it, once the rows before it are written. */
  private async refuse(problem: RowProblem): Promise<void> {
    if (this.options.strict) {
      await this.flush();
      await this.written();
    }
    this.reject(problem);
    if (this.options.strict) throw new ImportStopped(problem, this.summary);
  }

  /** The row as the event it would record, or what is wrong with it. */
  private async prepare(row: ImportRow): Promise<PreparedRow | { problem: RowProblem }> {
    const { line } = row;
    if (row.problem !== undefined) return { problem: { line, reason: row.problem } };
    if (typeof row.body !== 'object' || row.body === null || Array.isArray(row.body)) {
      return { problem: { line, reason: 'the row must be an incident, as a JSON object' } };
    }
    let check: BodyCheck<RecordIncidentDto>;
    try {
      check = (this.options.validate ?? judgeAsTheApi)(row.body);
    } catch (error) {
      // A body the validator itself cannot take (a custom validator's bug): this row's problem, not the
      // import's. Nesting thousands deep no longer gets here: it is refused with where, as the API refuses it.
      return { problem: { line, reason: `the row could not be judged: ${(error as Error).message}` } };
    }
    if (!check.ok) return { problem: { line, reason: 'invalid fields', errors: check.errors } };
    const dto = check.value;
    // Without external ids, the incident is the whole row: reformatted or reordered, the same one.
    const keyed = dto.externalIds !== undefined && Object.keys(dto.externalIds).length > 0;
    const id = importId(keyed ? `external ${canonicalJson(dto.externalIds)}` : `row ${canonicalJson(row.body)}`);
    const command = toRecordIncident(dto, { id, newSourceId: () => '' });
    // A source's id follows from what it says (and which of its identical twins it is, if any):
    // a source changed in the file is a new source.
    const seen = new Map<string, number>();
    const sources = command.data.sources.map(({ id: _, ...source }) => {
      const content = canonicalJson(source);
      const twin = seen.get(content) ?? 0;
      seen.set(content, twin + 1);
      return { id: importId(`${id} ${content}${twin ? ` #${twin}` : ''}`), ...source };
    });
    try {
      const withActors = (await resolveActors({ ...command, data: { ...command.data, sources } }, this.deps.actors)) as RecordIncident;
      const resolved: RecordIncident = { ...withActors, data: { ...withActors.data, place: await this.placeOf(withActors) } };
      const [recorded] = decide(resolved, initialState(), { now: this.deps.clock.now() });
      return { row, streamId: incidentStreamId(id), recorded: recorded as Extract<IncidentEvent, { type: 'incident.recorded' }> };
    } catch (error) {
      return { problem: rowProblem(line, error) };
    }
  }

  /** Each distinct place is resolved once per import: rows from one data set repeat their places. */
  private placeOf(command: RecordIncident): Promise<Place> {
    const key = canonicalJson(command.data.place);
    let place = this.places.get(key);
    if (!place) {
      place = resolveIncidentPlace(command, this.deps.places).then((resolved) => (resolved as RecordIncident).data.place);
      this.places.set(key, place);
    }
    return place;
  }

  /** Hands the batch to a writer once fewer than WRITES_IN_FLIGHT batches are being written. */
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    while (this.writing.length >= WRITES_IN_FLIGHT) await this.writing.shift();
    const writing = this.write(batch);
    // Awaited later; until then a failure must not count as unhandled.
    writing.catch(() => {});
    this.writing.push(writing);
    if (this.options.strict) await this.written();
  }

  /** Every batch handed to a writer is written (or the first failure among them). */
  private async written(): Promise<void> {
    while (this.writing.length > 0) await this.writing.shift();
  }

  private async write(batch: PreparedRow[]): Promise<void> {
    const imported = await this.lastImports(batch.map((row) => row.streamId));
    const fresh = batch.filter((row) => !imported.has(row.streamId));
    await this.start(fresh, imported);
    for (const row of batch) {
      if (!imported.has(row.streamId)) continue;
      if (imported.get(row.streamId) === row.row.digest) this.summary.unchanged += 1;
      else await this.reimport(row);
    }
  }

  /**
   * Starts the new incidents' streams in one append. Streams another writer started meanwhile
   * take the changed-row path. A batch that the database refuses for one row's data (a string it
   * cannot store) is written a row at a time, so that only that row is refused.
   */
  private async start(fresh: PreparedRow[], imported: Map<string, string | undefined>): Promise<void> {
    for (let attempt = 1; fresh.length > 0; attempt++) {
      try {
        const results = await this.deps.store.startStreams(
          fresh.map((row) => ({ streamId: row.streamId, events: [{ ...row.recorded, metadata: this.metadata(row.row) }] })),
          { copy: this.copy },
        );
        this.summary.recorded += fresh.length;
        this.wrote(results.at(-1)!.positions.at(-1)!);
        return;
      } catch (error) {
        if (error instanceof StreamsExistError) {
          const taken = new Set(error.streamIds);
          if (!fresh.some((row) => taken.has(row.streamId))) throw error;
          for (const streamId of taken) if (!imported.has(streamId)) imported.set(streamId, undefined);
          fresh = fresh.filter((row) => !taken.has(row.streamId));
        } else if (sqlState(error) === DEADLOCK && attempt < 5) {
          // Two imports starting the same streams in different orders: one gives way, then tries again.
          continue;
        } else if (sqlState(error)?.startsWith(DATA_EXCEPTION) && fresh.length > 1) {
          for (const row of fresh) await this.start([row], imported);
          return;
        } else if (sqlState(error)?.startsWith(DATA_EXCEPTION)) {
          await this.refuseWritten({ line: fresh[0]!.row.line, reason: `the database refuses its data: ${(error as Error).message}` });
          return;
        } else {
          throw error;
        }
      }
    }
  }

  /** A row refused once the writer has it: counted, reported, and with `strict` the end. */
  private async refuseWritten(problem: RowProblem): Promise<void> {
    this.reject(problem);
    if (this.options.strict) throw new ImportStopped(problem, this.summary);
  }

  /** A row whose incident exists: unchanged, or corrected by what changed in the row. */
  private async reimport(row: PreparedRow, attempt = 1): Promise<void> {
    const { store, clock } = this.deps;
    const events = await store.readStream(row.streamId);
    const current = foldIncident(events);
    const previous = foldIncident(events.filter(isImported));
    const reason = `The row changed in ${this.options.format} ${this.options.file} (line ${row.row.line}).`;
    try {
      if (current.state.status === 'not_recorded') throw new NotAnIncident(`${row.streamId} holds no recorded incident`);
      // An incident recorded by hand under this id has no import of its own to compare with.
      const base = previous.state.status === 'not_recorded' ? current.state : previous.state;
      const { commands, kept } = changesOfRow(base as RecordedIncident, current.state, row.recorded.data as IncidentRecordedData, reason);
      if (kept.length > 0) this.summary.kept.push({ line: row.row.line, incidentId: row.recorded.data.id, fields: kept });
      const changes = decideAll(commands, current.state, clock.now());
      if (changes.length === 0) {
        this.summary.unchanged += 1;
        return;
      }
      const metadata = this.metadata(row.row);
      const result = await store.append(row.streamId, current.version, changes.map((event) => ({ ...event, metadata })));
      this.summary.corrected += 1;
      this.wrote(result.positions.at(-1)!);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && attempt < 5) {
        this.summary.kept = this.summary.kept.filter((kept) => kept.line !== row.row.line);
        return this.reimport(row, attempt + 1);
      }
      await this.refuseWritten(rowProblem(row.row.line, error, true));
    }
  }

  /** For each of these streams that exists: the digest of the row its incident was last imported from. */
  private async lastImports(streamIds: string[]): Promise<Map<string, string | undefined>> {
    // A join on the ids rather than `stream_id = ANY(...)`: the index is probed once per id either
    // way, but for ANY (a bitmap scan, the ids sorted first) a batch of 500 new ids took three
    // times as long (EXPLAIN ANALYZE: 13 against 5 ms, on 40,000 events).
    const { rows } = await this.deps.db.query<{ stream_id: string; digest: string | null }>({
      name: 'imports.last-imports',
      text: `SELECT first.stream_id, (SELECT metadata->'import'->>'digest' FROM events later
                                      WHERE later.stream_id = first.stream_id AND later.metadata->'import' IS NOT NULL
                                      ORDER BY later.stream_version DESC LIMIT 1) AS digest
             FROM unnest($1::text[]) AS given(stream_id) JOIN events first ON first.stream_id = given.stream_id AND first.stream_version = 1`,
      values: [streamIds],
    });
    return new Map(rows.map((row) => [row.stream_id, row.digest ?? undefined]));
  }

  private metadata(row: ImportRow): EventMetadata {
    const { format, file, actor } = this.options;
    return { actor, correlationId: this.run, causationId: this.run, import: { format, file, line: row.line, digest: row.digest } };
  }

  private reject(problem: RowProblem) {
    this.summary.rejected += 1;
    this.summary.problems.push(problem);
  }

  private wrote(position: number) {
    this.summary.lastPosition = Math.max(this.summary.lastPosition ?? 0, position);
  }
}

const WRITES_IN_FLIGHT = 2;
const DEADLOCK = '40P01';
const DATA_EXCEPTION = '22';
const sqlState = (error: unknown): string | undefined => (error as { code?: unknown })?.code?.toString();

interface PreparedRow {
  row: ImportRow;
  streamId: string;
  recorded: Extract<IncidentEvent, { type: 'incident.recorded' }>;
}

const isImported = (event: RecordedEvent) => typeof event.metadata.import === 'object' && event.metadata.import !== null;

/**
 * Why a row was refused, in the API's terms: its field errors, or the rule it breaks. Anything
 * else is the import's failure, not the row's, unless the row's incident could not be brought
 * in line (`settling`: it changed under the import again and again, or holds no incident).
 */
function rowProblem(line: number, error: unknown, settling = false): RowProblem {
  if (error instanceof IncidentRuleViolation) return { line, reason: `${error.code}: ${error.message}` };
  if (error instanceof ProblemError) {
    const { title, code, errors } = error.problem;
    return compact({ line, reason: code ? `${code}: ${title}` : title, errors });
  }
  if (settling && (error instanceof WrongExpectedVersionError || error instanceof NotAnIncident)) {
    return { line, reason: `its incident could not be corrected: ${error.message}` };
  }
  throw error;
}

class NotAnIncident extends Error {}
