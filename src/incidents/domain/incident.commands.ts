import type { IncidentCategory } from './taxonomy.js';
import type {
  ActorIdentity,
  ActorRef,
  ExternalIds,
  Fatalities,
  IncidentRelation,
  LocalizedText,
  OccurredInput,
  Place,
  RelatedIncident,
  Source,
  Translation,
} from './incident.types.js';

/** What a user asks of an incident, in the imperative. Commands may be refused; events may not. */

export type RecordIncident = {
  type: 'RecordIncident';
  data: {
    id: string;
    category: IncidentCategory;
    title: LocalizedText;
    summary?: LocalizedText;
    translations?: Translation[];
    occurred: OccurredInput;
    place: Place;
    actors: ActorRef[];
    fatalities?: Fatalities;
    sources: Source[];
    related?: RelatedIncident[];
    tags?: string[];
    notes?: string;
    externalIds?: ExternalIds;
  };
};

/** The fields a correction may touch; null clears summary or notes. */
export interface IncidentChangesInput {
  category?: IncidentCategory;
  title?: LocalizedText;
  summary?: LocalizedText | null;
  translations?: Translation[];
  occurred?: OccurredInput;
  place?: Place;
  tags?: string[];
  notes?: string | null;
}

export type CorrectIncident = {
  type: 'CorrectIncident';
  data: { changes: IncidentChangesInput; reason: string; sourceId?: string };
};

export type ReviseFatalities = {
  type: 'ReviseFatalities';
  data: { fatalities: Fatalities | null; reason: string; sourceId?: string };
};

export type AttachSource = { type: 'AttachSource'; data: { source: Source } };

export type AddActor = { type: 'AddActor'; data: { actor: ActorRef; reason?: string; sourceId?: string } };

export type RemoveActor = { type: 'RemoveActor'; data: { actor: ActorIdentity; reason: string } };

export type IdentifyActor = {
  type: 'IdentifyActor';
  data: { actor: ActorIdentity; actorId: string; reason: string; sourceId?: string };
};

export type LinkIncident = { type: 'LinkIncident'; data: { incidentId: string; relation: IncidentRelation } };

export type VerifyIncident = { type: 'VerifyIncident'; data: { sourceIds?: string[]; note?: string } };

export type DisputeIncident = { type: 'DisputeIncident'; data: { reason: string } };

export type RetractIncident = { type: 'RetractIncident'; data: { reason: string } };

export type IncidentCommand =
  | RecordIncident
  | CorrectIncident
  | ReviseFatalities
  | AttachSource
  | AddActor
  | RemoveActor
  | IdentifyActor
  | LinkIncident
  | VerifyIncident
  | DisputeIncident
  | RetractIncident;

export type IncidentCommandType = IncidentCommand['type'];
