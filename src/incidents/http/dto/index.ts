/** Request bodies of the incident endpoints, validated at the edge before any command exists. */
export { ActorIdentityDto, ActorRefDto } from './actor-ref.dto.js';
export { AddActorDto, IdentifyActorDto, RemoveActorDto } from './actor-commands.dto.js';
export { AttachSourceDto } from './attach-source.dto.js';
export { CorrectIncidentDto, IncidentChangesDto } from './correct-incident.dto.js';
export { FatalitiesDto } from './fatalities.dto.js';
export { LinkIncidentDto } from './link-incident.dto.js';
export { LocalizedTextDto, LocalizedTitleDto, TranslationDto } from './localized-text.dto.js';
export { OccurredDto } from './occurred.dto.js';
export { PlaceDto } from './place.dto.js';
export { RecordIncidentDto } from './record-incident.dto.js';
export { RelatedDto } from './related.dto.js';
export { ReviseFatalitiesDto } from './revise-fatalities.dto.js';
export { SourceDto } from './source.dto.js';
export { DisputeIncidentDto, RetractIncidentDto, VerifyIncidentDto } from './status-commands.dto.js';
export {
  toAddActor,
  toAttachSource,
  toCorrectIncident,
  toDisputeIncident,
  toLinkIncident,
  toRecordIncident,
  toRemoveActor,
  toRetractIncident,
  toReviseFatalities,
  toVerifyIncident,
} from './to-command.js';
export type { NewSourceIds } from './to-command.js';
export { IsCalendarDate, IsLanguageTag, IsOrderedFatalities, IsText } from './validators.js';
