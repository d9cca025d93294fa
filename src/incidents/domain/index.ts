/** The incident decider's public face: what the application layer and the HTTP edge may use. */
export { CATEGORY_TAXONOMY, INCIDENT_CATEGORIES, isIncidentCategory } from './taxonomy.js';
export type { AcledType, CategoryDefinition, CategoryKind, IncidentCategory } from './taxonomy.js';
export {
  ACTOR_ROLES,
  DATE_PRECISIONS,
  INCIDENT_RELATIONS,
  PLACE_PRECISIONS,
  SOURCE_ACCESS,
  SOURCE_CREDIBILITY,
  SOURCE_RELIABILITY,
} from './incident.types.js';
export type {
  ActorIdentity,
  ActorRef,
  ActorResolution,
  PlaceResolutionRecord,
  ActorRole,
  DatePrecision,
  ExternalIds,
  Fatalities,
  IncidentRelation,
  IsoDate,
  LocalizedText,
  Occurred,
  OccurredInput,
  PartyFatalities,
  Place,
  PlacePrecision,
  RelatedIncident,
  Source,
  SourceAccess,
  SourceCredibility,
  SourceReliability,
  Translation,
} from './incident.types.js';
export { INCIDENT_EVENT_TYPES } from './incident.events.js';
export type {
  IncidentActorAdded,
  IncidentActorRemoved,
  IncidentActorIdentified,
  IncidentChanges,
  IncidentCorrected,
  IncidentDisputed,
  IncidentEvent,
  IncidentEventType,
  IncidentFatalitiesRevised,
  IncidentLinked,
  IncidentRecorded,
  IncidentRecordedData,
  IncidentRetracted,
  IncidentSourceAttached,
  IncidentVerified,
} from './incident.events.js';
export type {
  AddActor,
  AttachSource,
  CorrectIncident,
  DisputeIncident,
  IncidentChangesInput,
  IncidentCommand,
  IncidentCommandType,
  LinkIncident,
  RecordIncident,
  RemoveActor,
  IdentifyActor,
  RetractIncident,
  ReviseFatalities,
  VerifyIncident,
} from './incident.commands.js';
export { evolve, initialState } from './incident.state.js';
export type { IncidentState, IncidentStatus, NotRecordedIncident, RecordedIncident } from './incident.state.js';
export { decide } from './decide.js';
export type { DecideContext } from './decide.js';
export { INCIDENT_RULE_CODES, IncidentNotFoundError, IncidentRuleViolation } from './incident.errors.js';
export type { IncidentRuleCode } from './incident.errors.js';
export { isCalendarDate } from './dates.js';
