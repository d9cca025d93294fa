import { compact } from '../../../common/plain-data.js';
import type {
  ActorIdentity,
  ActorRef,
  AddActor,
  AttachSource,
  CorrectIncident,
  DisputeIncident,
  Fatalities,
  IdentifyActor,
  IncidentChangesInput,
  LinkIncident,
  LocalizedText,
  OccurredInput,
  Place,
  RecordIncident,
  RelatedIncident,
  RemoveActor,
  RetractIncident,
  ReviseFatalities,
  Source,
  Translation,
  VerifyIncident,
} from '../../domain/index.js';
import type { ActorIdentityDto, ActorRefDto } from './actor-ref.dto.js';
import type { AddActorDto, IdentifyActorDto, RemoveActorDto } from './actor-commands.dto.js';
import type { AttachSourceDto } from './attach-source.dto.js';
import type { CorrectIncidentDto } from './correct-incident.dto.js';
import type { FatalitiesDto } from './fatalities.dto.js';
import type { LinkIncidentDto } from './link-incident.dto.js';
import type { LocalizedTextDto, TranslationDto } from './localized-text.dto.js';
import type { OccurredDto } from './occurred.dto.js';
import type { PlaceDto } from './place.dto.js';
import type { RecordIncidentDto } from './record-incident.dto.js';
import type { RelatedDto } from './related.dto.js';
import type { ReviseFatalitiesDto } from './revise-fatalities.dto.js';
import type { SourceDto } from './source.dto.js';
import type { DisputeIncidentDto, RetractIncidentDto, VerifyIncidentDto } from './status-commands.dto.js';

/**
 * Validated request bodies to domain commands. Every field is copied by name, so a command is a
 * plain object holding exactly the command's fields: no DTO instances reach the events.
 */

export interface NewSourceIds {
  /** Assigns the id of a source the client sent without one. */
  newSourceId: () => string;
}

export function toRecordIncident(
  dto: RecordIncidentDto,
  { id, newSourceId }: { id: string } & NewSourceIds,
): RecordIncident {
  return {
    type: 'RecordIncident',
    data: compact({
      id,
      category: dto.category,
      title: localizedText(dto.title),
      summary: dto.summary && localizedText(dto.summary),
      translations: dto.translations?.map(translation),
      occurred: occurred(dto.occurred),
      place: place(dto.place),
      actors: dto.actors.map(actorRef),
      fatalities: dto.fatalities && fatalities(dto.fatalities),
      sources: dto.sources.map((dto) => source(dto, newSourceId())),
      related: dto.related?.map(related),
      tags: dto.tags && [...dto.tags],
      notes: dto.notes,
      externalIds: dto.externalIds && { ...dto.externalIds },
    }),
  };
}

export function toCorrectIncident(dto: CorrectIncidentDto): CorrectIncident {
  const { changes } = dto;
  const corrected: IncidentChangesInput = compact({
    category: changes.category,
    title: changes.title && localizedText(changes.title),
    summary: changes.summary === null ? null : changes.summary && localizedText(changes.summary),
    translations: changes.translations?.map(translation),
    occurred: changes.occurred && occurred(changes.occurred),
    place: changes.place && place(changes.place),
    tags: changes.tags && [...changes.tags],
    notes: changes.notes,
  });
  return { type: 'CorrectIncident', data: compact({ changes: corrected, reason: dto.reason, sourceId: dto.sourceId }) };
}

export function toReviseFatalities(dto: ReviseFatalitiesDto): ReviseFatalities {
  return {
    type: 'ReviseFatalities',
    data: compact({
      fatalities: dto.fatalities === null ? null : fatalities(dto.fatalities),
      reason: dto.reason,
      sourceId: dto.sourceId,
    }),
  };
}

export function toAttachSource(dto: AttachSourceDto, { newSourceId }: NewSourceIds): AttachSource {
  return { type: 'AttachSource', data: { source: source(dto, newSourceId()) } };
}

export function toAddActor(dto: AddActorDto): AddActor {
  return { type: 'AddActor', data: compact({ actor: actorRef(dto.actor), reason: dto.reason, sourceId: dto.sourceId }) };
}

export function toRemoveActor(dto: RemoveActorDto): RemoveActor {
  return { type: 'RemoveActor', data: { actor: actorIdentity(dto.actor), reason: dto.reason } };
}

export function toIdentifyActor(dto: IdentifyActorDto): IdentifyActor {
  return {
    type: 'IdentifyActor',
    data: compact({ actor: actorIdentity(dto.actor), actorId: dto.actorId, reason: dto.reason, sourceId: dto.sourceId }),
  };
}

export function toLinkIncident(dto: LinkIncidentDto): LinkIncident {
  return { type: 'LinkIncident', data: related(dto) };
}

export function toVerifyIncident(dto: VerifyIncidentDto): VerifyIncident {
  return { type: 'VerifyIncident', data: compact({ sourceIds: dto.sourceIds && [...dto.sourceIds], note: dto.note }) };
}

export function toDisputeIncident(dto: DisputeIncidentDto): DisputeIncident {
  return { type: 'DisputeIncident', data: { reason: dto.reason } };
}

export function toRetractIncident(dto: RetractIncidentDto): RetractIncident {
  return { type: 'RetractIncident', data: { reason: dto.reason } };
}

const localizedText = (dto: LocalizedTextDto): LocalizedText => ({ text: dto.text, language: dto.language });

const translation = (dto: TranslationDto): Translation =>
  compact({ language: dto.language, title: dto.title, summary: dto.summary });

const occurred = (dto: OccurredDto): OccurredInput =>
  compact({ from: dto.from, to: dto.to, precision: dto.precision, note: dto.note });

const place = (dto: PlaceDto): Place =>
  compact({
    name: dto.name,
    countryCode: dto.countryCode,
    admin1: dto.admin1,
    admin2: dto.admin2,
    admin3: dto.admin3,
    latitude: dto.latitude,
    longitude: dto.longitude,
    precision: dto.precision,
  });

const actorIdentity = (dto: ActorIdentityDto): ActorIdentity =>
  compact({ actorId: dto.actorId, name: dto.name, role: dto.role });

const actorRef = (dto: ActorRefDto): ActorRef =>
  compact({ ...actorIdentity(dto), affiliation: dto.affiliation, note: dto.note });

const fatalities = (dto: FatalitiesDto): Fatalities =>
  compact({
    low: dto.low,
    best: dto.best,
    high: dto.high,
    byParty: dto.byParty?.map(({ party, deaths }) => ({ party, deaths })),
  });

const source = (dto: SourceDto, id: string): Source =>
  compact({
    id,
    outlet: dto.outlet,
    reporter: dto.reporter,
    contact: dto.contact,
    url: dto.url,
    publishedOn: dto.publishedOn,
    language: dto.language,
    access: dto.access,
    medium: dto.medium,
    quote: dto.quote && localizedText(dto.quote),
    quoteTranslations: dto.quoteTranslations?.map(localizedText),
    reliability: dto.reliability,
    credibility: dto.credibility,
    // Only true is kept: a source is public unless marked.
    confidential: dto.confidential === true ? true : undefined,
  });

const related = (dto: RelatedDto): RelatedIncident => ({ incidentId: dto.incidentId, relation: dto.relation });
