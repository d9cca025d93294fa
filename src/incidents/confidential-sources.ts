import { may, type Principal } from '../access/roles.js';
import type { RecordedEvent } from '../event-store/index.js';
import type { Source } from './domain/index.js';

/** What a confidential source keeps from readers without the right to see it. */
export const CONFIDENTIAL_FIELDS = ['reporter', 'contact', 'url', 'quote', 'quoteTranslations'] as const;
export type ConfidentialField = (typeof CONFIDENTIAL_FIELDS)[number];

/** A confidential source as a reader without the right sees it: the fields are gone, `withheld` names them. */
export type WithheldSource = Omit<Source, ConfidentialField> & { withheld: ConfidentialField[] };

/** One confidential source shown in full to a reader: what the access log records. */
export interface ConfidentialRead {
  incidentId: string;
  sourceId: string;
}

/**
 * An incident's events as a reader may see them, and the confidential sources they show in full.
 *
 * A source appears in the events only where it was added (incident.recorded's sources,
 * incident.source_attached's source), so withholding its fields there withholds them from every
 * read built on the events: the state, its history and its diffs. Who added a source is the
 * principal of that event; an event without a role in its metadata was not written with a key
 * (an import, or a write from before keys), so its actor name proves nothing and sees nothing.
 */
export function asSeenBy<E extends LoggedEvent>(reader: Principal, events: readonly E[]): { events: E[]; revealed: ConfidentialRead[] } {
  const revealed: ConfidentialRead[] = [];
  const seenAll = may(reader, 'see_confidential');
  const shown = events.map((event) => {
    const sources = sourcesAddedBy(event);
    if (!sources?.some(isGuarded)) return event;
    const addedByReader = !reader.anonymous && typeof event.metadata?.role === 'string' && event.metadata.actor === reader.name;
    if (seenAll || addedByReader) {
      for (const source of sources.filter(isGuarded)) revealed.push({ incidentId: incidentIdOf(event), sourceId: source.id });
      return event;
    }
    return withSources(event, sources.map((source) => (isGuarded(source) ? withhold(source) : source)));
  });
  return { events: shown, revealed };
}

/** What this file needs of an event: stored (RecordedEvent) or as the log feed shows it (LogEvent). */
type LoggedEvent = Pick<RecordedEvent, 'streamId' | 'type' | 'data' | 'metadata'>;

/** The sources an event adds, if it adds any. */
function sourcesAddedBy(event: LoggedEvent): Source[] | undefined {
  const data = event.data as { sources?: Source[]; source?: Source };
  if (event.type === 'incident.recorded') return data.sources;
  if (event.type === 'incident.source_attached') return data.source && [data.source];
  return undefined;
}

function withSources<E extends LoggedEvent>(event: E, sources: (Source | WithheldSource)[]): E {
  const data = event.data as Record<string, unknown>;
  return { ...event, data: event.type === 'incident.recorded' ? { ...data, sources } : { ...data, source: sources[0] } };
}

/** Confidential, and holding something to withhold. */
function isGuarded(source: Source): boolean {
  return source.confidential === true && CONFIDENTIAL_FIELDS.some((field) => source[field] !== undefined);
}

function withhold(source: Source): WithheldSource {
  const kept: Record<string, unknown> = { ...source };
  for (const field of CONFIDENTIAL_FIELDS) delete kept[field];
  const withheld = CONFIDENTIAL_FIELDS.filter((field) => source[field] !== undefined);
  return { ...(kept as Omit<Source, ConfidentialField>), withheld };
}

const incidentIdOf = (event: LoggedEvent) => event.streamId.slice('incident-'.length);
