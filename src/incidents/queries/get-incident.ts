import { HttpStatus } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProblemError, problemType } from '../../common/problem.js';
import { recordConfidentialReads, type Reader } from '../../audit/access-log/access-log.js';
import { EventStore, type RecordedEvent } from '../../event-store/index.js';
import { asSeenBy } from '../confidential-sources.js';
import { IncidentNotFoundProblem } from '../incident-problems.js';
import { foldIncident, incidentStreamId, type IncidentSnapshot } from '../incident-stream.js';

/** A past moment of an incident: as it stood at a time, or at a version. */
export type PointInTime = { asOf: Date } | { version: number };

/**
 * The incident as it stands, folded from its own stream: one indexed read, always current, so a
 * client sees its own write at once. Given a point in time, the same fold stops there. The reader
 * sees confidential sources as their role allows, and a read that shows one is recorded first.
 */
export class GetIncident extends Query<IncidentSnapshot> {
  constructor(
    readonly incidentId: string,
    readonly reader: Reader,
    readonly at?: PointInTime,
  ) {
    super();
  }
}

/** The highest version the event store can hold (an integer column). */
const LAST_POSSIBLE_VERSION = 2 ** 31 - 1;

@QueryHandler(GetIncident)
export class GetIncidentHandler implements IQueryHandler<GetIncident> {
  constructor(private readonly store: EventStore) {}

  async execute({ incidentId, reader, at }: GetIncident): Promise<IncidentSnapshot> {
    const toVersion = at && 'version' in at ? Math.min(at.version, LAST_POSSIBLE_VERSION) : undefined;
    const stream = await this.store.readStream(incidentStreamId(incidentId), { toVersion });
    if (stream.length === 0) throw new IncidentNotFoundProblem(incidentId);
    const shown = await this.asSeenBy(reader, this.pointInTime(incidentId, stream, at));
    return foldIncident(shown);
  }

  private pointInTime(incidentId: string, events: RecordedEvent[], at: PointInTime | undefined): RecordedEvent[] {
    if (!at) return events;
    if ('version' in at) {
      const current = events.at(-1)!.streamVersion;
      if (current < at.version) throw new VersionNotReachedProblem(incidentId, at.version, current);
      return events;
    }
    const then = eventsUpTo(events, at.asOf);
    if (then.length === 0) throw new NotYetRecordedProblem(incidentId, at.asOf, events[0].recordedAt);
    return then;
  }

  private async asSeenBy(reader: Reader, events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const seen = asSeenBy(reader.principal, events);
    await recordConfidentialReads(this.store, reader, seen.revealed);
    return seen.events;
  }
}

/**
 * The events recorded by a moment, as a prefix of the stream: a later version cannot apply
 * without the ones before it, whatever its clock said. Times compare to the millisecond, as the
 * API shows them, so the recordedAt of an event read from the history includes that event.
 */
function eventsUpTo(events: RecordedEvent[], asOf: Date): RecordedEvent[] {
  const after = events.findIndex((event) => event.recordedAt.getTime() > asOf.getTime());
  return after === -1 ? events : events.slice(0, after);
}

export class VersionNotReachedProblem extends ProblemError {
  constructor(incidentId: string, version: number, current: number) {
    super({
      type: problemType('version-not-found'),
      title: 'The incident has no such version',
      status: HttpStatus.NOT_FOUND,
      detail: `Incident ${incidentId} is at version ${current}; it has no version ${version}.`,
      currentVersion: current,
    });
  }
}

export class NotYetRecordedProblem extends ProblemError {
  constructor(incidentId: string, asOf: Date, recordedAt: Date) {
    super({
      type: problemType('not-yet-recorded'),
      title: 'The incident was not recorded yet',
      status: HttpStatus.NOT_FOUND,
      detail: `Incident ${incidentId} was first recorded at ${recordedAt.toISOString()}, after ${asOf.toISOString()}.`,
      recordedAt: recordedAt.toISOString(),
    });
  }
}
