import { isIdentity } from './actors.js';
import type { IncidentChanges, IncidentEvent, IncidentRecordedData } from './incident.events.js';
import type { ActorRef } from './incident.types.js';
import { compact } from '../../common/plain-data.js';

export type IncidentStatus = 'unverified' | 'verified' | 'disputed' | 'retracted';

export type NotRecordedIncident = { status: 'not_recorded' };

/**
 * An incident as its events leave it. The stream version is not here: the store tracks it. The
 * verification, dispute and retraction say why the status is what it is; a retracted incident
 * keeps all its data, so what was once claimed stays readable.
 */
export type RecordedIncident = IncidentRecordedData & {
  status: IncidentStatus;
  verification?: { sourceIds: string[]; note?: string };
  dispute?: { reason: string };
  retraction?: { reason: string };
};

export type IncidentState = NotRecordedIncident | RecordedIncident;

export function initialState(): IncidentState {
  return { status: 'not_recorded' };
}

/** Applies one event. It never refuses: the decider already did the judging. */
export function evolve(state: IncidentState, event: IncidentEvent): IncidentState {
  if (event.type === 'incident.recorded') {
    return state.status === 'not_recorded' ? { status: 'unverified', ...event.data } : state;
  }
  // Any other event before the incident exists is a corrupt stream; ignoring it keeps reads alive.
  if (state.status === 'not_recorded') return state;

  switch (event.type) {
    case 'incident.corrected':
      return applyChanges(state, event.data.changes);
    case 'incident.fatalities_revised':
      return compact({ ...state, fatalities: event.data.fatalities ?? undefined });
    case 'incident.source_attached':
      return { ...state, sources: [...state.sources, event.data.source] };
    case 'incident.actor_added':
      return { ...state, actors: [...state.actors, event.data.actor] };
    case 'incident.actor_removed':
      return { ...state, actors: state.actors.filter((actor) => !isIdentity(actor, event.data.actor)) };
    case 'incident.actor_identified': {
      const { actor: identified, actorId } = event.data;
      const link = (actor: ActorRef): ActorRef =>
        isIdentity(actor, identified) ? { ...actor, actorId, resolution: { status: 'identified' } } : actor;
      return { ...state, actors: state.actors.map(link) };
    }
    case 'incident.linked':
      return { ...state, related: [...state.related, { incidentId: event.data.incidentId, relation: event.data.relation }] };
    case 'incident.verified': {
      const { sourceIds, note } = event.data;
      return compact({ ...state, status: 'verified', verification: compact({ sourceIds, note }), dispute: undefined });
    }
    case 'incident.disputed':
      return compact({ ...state, status: 'disputed', dispute: { reason: event.data.reason }, verification: undefined });
    case 'incident.retracted':
      return { ...state, status: 'retracted', retraction: { reason: event.data.reason } };
    default: {
      // A type this code does not know (from a newer writer) leaves the state as it was.
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
}

function applyChanges(state: RecordedIncident, changes: IncidentChanges): RecordedIncident {
  // undefined leaves a field as it was; null (summary, notes) clears it.
  const { category, title, summary, translations, occurred, place, tags, notes } = changes;
  return compact({
    ...state,
    category: category ?? state.category,
    title: title ?? state.title,
    summary: summary === null ? undefined : (summary ?? state.summary),
    translations: translations ?? state.translations,
    occurred: occurred ?? state.occurred,
    place: place ?? state.place,
    tags: tags ?? state.tags,
    notes: notes === null ? undefined : (notes ?? state.notes),
  });
}
