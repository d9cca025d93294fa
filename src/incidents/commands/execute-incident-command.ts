import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ActorDirectory } from '../../actors/queries/actor-directory.js';
import { Clock } from '../../common/clock.js';
import { Gazetteer } from '../../places/gazetteer.js';
import { PlaceResolver } from '../../places/resolve/place-resolver.service.js';
import { EventStore, WrongExpectedVersionError, type EventMetadata } from '../../event-store/index.js';
import { decide, type IncidentCommand } from '../domain/index.js';
import { StaleVersionProblem } from '../../common/problem.js';
import { incidentProblem, IncidentNotFoundProblem } from '../incident-problems.js';
import { foldIncident, incidentStreamId } from '../incident-stream.js';
import { resolveActors } from './resolve-actors.js';
import { resolveIncidentPlace } from './resolve-place.js';

export interface CommandResult {
  id: string;
  version: number;
  /** Global position of the last event written: a reader of the log has seen the change once past it. */
  position: number;
}

export interface CommandOptions {
  metadata: EventMetadata;
  /** From If-Match: refuse (412) unless the incident is still at this version. */
  expectedVersion?: number;
  /** From Idempotency-Key: a retry returns the first result and records nothing. */
  idempotency?: { key: string; requestHash: string };
}

/** Runs one incident command: load the stream, fold it, decide, append at the version read. */
export class ExecuteIncidentCommand extends Command<CommandResult> {
  constructor(
    readonly incidentId: string,
    readonly command: IncidentCommand,
    readonly options: CommandOptions,
  ) {
    super();
  }
}

/** Without If-Match, a decision made on state that changed meanwhile is simply made again. */
const ATTEMPTS = 5;

@CommandHandler(ExecuteIncidentCommand)
export class ExecuteIncidentCommandHandler implements ICommandHandler<ExecuteIncidentCommand> {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly actors: ActorDirectory,
    private readonly gazetteer: Gazetteer,
    private readonly places: PlaceResolver,
  ) {}

  async execute({ incidentId, command, options }: ExecuteIncidentCommand): Promise<CommandResult> {
    const streamId = incidentStreamId(incidentId);
    const { idempotency, expectedVersion, metadata } = options;
    const remembered = async (): Promise<CommandResult | undefined> => {
      const earlier = idempotency && (await this.store.idempotentResult(streamId, idempotency.key, idempotency.requestHash));
      return earlier ? { id: incidentId, version: earlier.streamVersion, position: earlier.positions.at(-1)! } : undefined;
    };
    // A retried request returns what the first one did, whatever the registry says now.
    const first = await remembered();
    if (first) return first;
    // Once per command, not per attempt: every attempt decides on the same resolution.
    const withActors = await resolveActors(command, this.actors);
    const resolved = await resolveIncidentPlace(withActors, { gazetteer: this.gazetteer, resolver: this.places });
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) {
        const earlier = await remembered();
        if (earlier) return earlier;
      }
      // A new incident's stream is empty (its id was just made): its first attempt needs no read,
      // and the append's 'no_stream' still refuses, and so retries, if it was not.
      const surelyNew = command.type === 'RecordIncident' && expectedVersion === undefined && attempt === 1;
      const { state, version } = foldIncident(surelyNew ? [] : await this.store.readStream(streamId));
      if (expectedVersion !== undefined && expectedVersion !== version) {
        if (version === 0) throw new IncidentNotFoundProblem(incidentId);
        throw new StaleVersionProblem(expectedVersion, version);
      }
      let events;
      try {
        events = decide(resolved, state, { now: this.clock.now() });
      } catch (error) {
        throw incidentProblem(error, incidentId);
      }
      try {
        const result = await this.store.append(
          streamId,
          version === 0 ? 'no_stream' : version,
          events.map((event) => ({ ...event, metadata })),
          idempotency && { idempotencyKey: idempotency.key, requestHash: idempotency.requestHash },
        );
        return { id: incidentId, version: result.streamVersion, position: result.positions.at(-1)! };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (expectedVersion !== undefined) throw new StaleVersionProblem(expectedVersion, error.actual);
        if (attempt >= ATTEMPTS) throw error;
      }
    }
  }
}
