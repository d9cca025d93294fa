import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { compact } from '../../common/plain-data.js';
import { recordConfidentialReads, type Reader } from '../../audit/access-log/access-log.js';
import { asSeenBy } from '../confidential-sources.js';
import { EventStore, toHistoryEntry, type HistoryEntry, type RecordedEvent } from '../../event-store/index.js';
import { evolve, initialState, type IncidentEvent, type IncidentState, type Source } from '../domain/index.js';
import { IncidentNotFoundProblem } from '../incident-problems.js';
import { incidentStreamId } from '../incident-stream.js';
import { diffJson, type FieldChange } from './json-diff.js';

/**
 * One event of an incident as an auditor reads it: the event as stored, and what it did to the
 * incident. `source` is the source the event cites, as the incident held it then; a citation the
 * incident cannot resolve keeps its id alone rather than vanishing.
 */
export interface IncidentHistoryEntry extends HistoryEntry {
  by?: string;
  reason?: string;
  source?: Source | { id: string };
  changes: FieldChange[];
}

/** Every event of an incident, in order: what changed, field by field, who changed it, when, why and on what source. */
export class GetIncidentHistory extends Query<IncidentHistoryEntry[]> {
  constructor(
    readonly incidentId: string,
    readonly reader: Reader,
  ) {
    super();
  }
}

@QueryHandler(GetIncidentHistory)
export class GetIncidentHistoryHandler implements IQueryHandler<GetIncidentHistory> {
  constructor(private readonly store: EventStore) {}

  async execute({ incidentId, reader }: GetIncidentHistory): Promise<IncidentHistoryEntry[]> {
    const stream = await this.store.readStream(incidentStreamId(incidentId));
    if (stream.length === 0) throw new IncidentNotFoundProblem(incidentId);
    // Withheld in the events themselves, so neither the data shown nor the diffs hold them.
    const { events, revealed } = asSeenBy(reader.principal, stream);
    await recordConfidentialReads(this.store, reader, revealed);
    let state = initialState();
    return events.map((event) => {
      const before = state;
      state = evolve(state, event as unknown as IncidentEvent);
      return historyEntry(event, before, state);
    });
  }
}

/**
 * The changes come from folding with the domain's own evolve, so the history shows what the
 * event did, not what this file believes it does.
 */
function historyEntry(event: RecordedEvent, before: IncidentState, after: IncidentState): IncidentHistoryEntry {
  const { actor } = event.metadata ?? {};
  const { reason } = (event.data ?? {}) as { reason?: unknown };
  return compact({
    ...toHistoryEntry(event),
    by: typeof actor === 'string' ? actor : undefined,
    reason: typeof reason === 'string' ? reason : undefined,
    source: citedSource(event as unknown as IncidentEvent, before),
    changes: diffJson(fields(before), fields(after)),
  });
}

/** Before the incident is recorded it has no fields: the recording event only adds. */
const fields = (state: IncidentState) => (state.status === 'not_recorded' ? {} : state);

function citedSource(event: IncidentEvent, before: IncidentState): IncidentHistoryEntry['source'] {
  if (event.type === 'incident.source_attached') return event.data.source;
  const { sourceId } = (event.data ?? {}) as { sourceId?: unknown };
  if (typeof sourceId !== 'string') return undefined;
  const sources = before.status === 'not_recorded' ? [] : before.sources;
  return sources.find((source) => source.id === sourceId) ?? { id: sourceId };
}
