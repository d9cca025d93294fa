import type { IncidentCategory } from './taxonomy.js';
import type {
  ActorIdentity,
  ActorRef,
  ExternalIds,
  Fatalities,
  IncidentRelation,
  LocalizedText,
  Occurred,
  Place,
  RelatedIncident,
  Source,
  Translation,
} from './incident.types.js';

/**
 * What happened to an incident, in the past tense. The `type` strings are persisted: never rename
 * one; add a new type or an upcaster instead. Data is plain JSON, already normalised by the
 * decider, so evolve applies it without judging it again.
 */

export interface IncidentRecordedData {
  id: string;
  category: IncidentCategory;
  title: LocalizedText;
  summary?: LocalizedText;
  translations: Translation[];
  occurred: Occurred;
  place: Place;
  actors: ActorRef[];
  fatalities?: Fatalities;
  sources: Source[];
  related: RelatedIncident[];
  tags: string[];
  notes?: string;
  externalIds?: ExternalIds;
}

/** The new value of every field that changed; null clears an optional field. */
export interface IncidentChanges {
  category?: IncidentCategory;
  title?: LocalizedText;
  summary?: LocalizedText | null;
  translations?: Translation[];
  occurred?: Occurred;
  place?: Place;
  tags?: string[];
  notes?: string | null;
}

export type IncidentRecorded = { type: 'incident.recorded'; data: IncidentRecordedData };

export type IncidentCorrected = {
  type: 'incident.corrected';
  data: { changes: IncidentChanges; reason: string; sourceId?: string };
};

export type IncidentFatalitiesRevised = {
  type: 'incident.fatalities_revised';
  /** null: the count is no longer known. */
  data: { fatalities: Fatalities | null; reason: string; sourceId?: string };
};

export type IncidentSourceAttached = { type: 'incident.source_attached'; data: { source: Source } };

export type IncidentActorAdded = {
  type: 'incident.actor_added';
  data: { actor: ActorRef; reason?: string; sourceId?: string };
};

export type IncidentActorRemoved = {
  type: 'incident.actor_removed';
  data: { actor: ActorIdentity; reason: string };
};

/** A person linked an actor reference to the registry (or to another registry actor). */
export type IncidentActorIdentified = {
  type: 'incident.actor_identified';
  data: { actor: ActorIdentity; actorId: string; reason: string; sourceId?: string };
};

export type IncidentLinked = { type: 'incident.linked'; data: { incidentId: string; relation: IncidentRelation } };

export type IncidentVerified = {
  type: 'incident.verified';
  /** resolvesDispute tells a reader of the log, without folding, that a dispute ended here. */
  data: { sourceIds: string[]; note?: string; resolvesDispute?: true };
};

export type IncidentDisputed = { type: 'incident.disputed'; data: { reason: string } };

export type IncidentRetracted = { type: 'incident.retracted'; data: { reason: string } };

export type IncidentEvent =
  | IncidentRecorded
  | IncidentCorrected
  | IncidentFatalitiesRevised
  | IncidentSourceAttached
  | IncidentActorAdded
  | IncidentActorRemoved
  | IncidentActorIdentified
  | IncidentLinked
  | IncidentVerified
  | IncidentDisputed
  | IncidentRetracted;

export type IncidentEventType = IncidentEvent['type'];

export const INCIDENT_EVENT_TYPES = [
  'incident.recorded',
  'incident.corrected',
  'incident.fatalities_revised',
  'incident.source_attached',
  'incident.actor_added',
  'incident.actor_removed',
  'incident.actor_identified',
  'incident.linked',
  'incident.verified',
  'incident.disputed',
  'incident.retracted',
] as const satisfies readonly IncidentEventType[];
