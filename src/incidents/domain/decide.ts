import { identityOf, isIdentified, isSameActor } from './actors.js';
import type {
  AddActor,
  AttachSource,
  IdentifyActor,
  CorrectIncident,
  DisputeIncident,
  IncidentCommand,
  LinkIncident,
  RecordIncident,
  RemoveActor,
  RetractIncident,
  ReviseFatalities,
  VerifyIncident,
} from './incident.commands.js';
import { IncidentNotFoundError, IncidentRuleViolation } from './incident.errors.js';
import type { IncidentChanges, IncidentEvent } from './incident.events.js';
import {
  checkActor,
  checkActors,
  checkFatalities,
  checkLink,
  checkLinks,
  checkSource,
  checkSources,
  describeActor,
  normaliseTags,
  requireAttachedSource,
  toOccurred,
} from './incident.rules.js';
import type { IncidentState, RecordedIncident } from './incident.state.js';
import { compact, sameJson } from '../../common/plain-data.js';

/** What the decider may know of the world: the caller's clock, read once per command. */
export interface DecideContext {
  now: Date;
}

/** Judges a command against the incident as it stands: the events to append, or an error. */
export function decide(command: IncidentCommand, state: IncidentState, context: DecideContext): IncidentEvent[] {
  switch (command.type) {
    case 'RecordIncident':
      return record(command, state, context);
    case 'CorrectIncident':
      return correct(command, existing(state), context);
    case 'ReviseFatalities':
      return reviseFatalities(command, existing(state));
    case 'AttachSource':
      return attachSource(command, existing(state));
    case 'AddActor':
      return addActor(command, existing(state));
    case 'RemoveActor':
      return removeActor(command, existing(state));
    case 'IdentifyActor':
      return identifyActor(command, existing(state));
    case 'LinkIncident':
      return link(command, existing(state));
    case 'VerifyIncident':
      return verify(command, existing(state));
    case 'DisputeIncident':
      return dispute(command, existing(state));
    case 'RetractIncident':
      // Retracting twice is refused here: a retracted incident takes no commands at all.
      existing(state);
      return retract(command);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown incident command: ${(unknown as { type: string }).type}`);
    }
  }
}

/** The incident a command other than RecordIncident acts on: recorded, and not retracted. */
function existing(state: IncidentState): RecordedIncident {
  if (state.status === 'not_recorded') throw new IncidentNotFoundError();
  refuseIfRetracted(state);
  return state;
}

function refuseIfRetracted(state: RecordedIncident): void {
  if (state.status === 'retracted') {
    throw new IncidentRuleViolation('retracted', 'the incident was retracted and takes no more changes');
  }
}

function record({ data }: RecordIncident, state: IncidentState, { now }: DecideContext): IncidentEvent[] {
  if (state.status !== 'not_recorded') {
    refuseIfRetracted(state);
    throw new IncidentRuleViolation('already_recorded', `incident ${data.id} is already recorded`);
  }
  return [
    {
      type: 'incident.recorded',
      data: compact({
        id: data.id,
        category: data.category,
        title: data.title,
        summary: data.summary,
        translations: (data.translations ?? []).map(compact),
        occurred: toOccurred(data.occurred, now),
        place: compact(data.place),
        actors: checkActors(data.actors),
        fatalities: data.fatalities && checkFatalities(data.fatalities),
        sources: checkSources(data.sources),
        related: checkLinks(data.related ?? [], data.id),
        tags: normaliseTags(data.tags),
        notes: data.notes,
        externalIds: data.externalIds && { ...data.externalIds },
      }),
    },
  ];
}

function correct({ data }: CorrectIncident, state: RecordedIncident, { now }: DecideContext): IncidentEvent[] {
  requireAttachedSource(state, data.sourceId);
  // Field by field, so nothing outside the correctable fields (status, id, sources) slips through.
  const { category, title, summary, translations, occurred, place, tags, notes } = data.changes;
  const proposed: IncidentChanges = compact({
    category,
    title,
    summary,
    translations: translations?.map(compact),
    occurred: occurred && toOccurred(occurred, now),
    place: place && compact(place),
    tags: tags && normaliseTags(tags),
    notes,
  });
  // Only what really differs goes into the event, so the history shows the change and no noise.
  const differs = ([field, value]: [string, unknown]) =>
    !sameJson(value ?? undefined, state[field as keyof RecordedIncident]);
  const changes = Object.fromEntries(Object.entries(proposed).filter(differs)) as IncidentChanges;
  if (Object.keys(changes).length === 0) {
    throw new IncidentRuleViolation('nothing_to_change', 'the correction changes nothing');
  }
  return [{ type: 'incident.corrected', data: compact({ changes, reason: data.reason, sourceId: data.sourceId }) }];
}

function reviseFatalities({ data }: ReviseFatalities, state: RecordedIncident): IncidentEvent[] {
  requireAttachedSource(state, data.sourceId);
  const fatalities = data.fatalities && checkFatalities(data.fatalities);
  if (sameJson(fatalities ?? undefined, state.fatalities)) {
    throw new IncidentRuleViolation('nothing_to_change', 'the fatality estimates are already these');
  }
  return [
    { type: 'incident.fatalities_revised', data: compact({ fatalities, reason: data.reason, sourceId: data.sourceId }) },
  ];
}

function attachSource({ data }: AttachSource, state: RecordedIncident): IncidentEvent[] {
  return [{ type: 'incident.source_attached', data: { source: checkSource(data.source, state.sources) } }];
}

function addActor({ data }: AddActor, state: RecordedIncident): IncidentEvent[] {
  requireAttachedSource(state, data.sourceId);
  const actor = checkActor(data.actor, state.actors);
  return [{ type: 'incident.actor_added', data: compact({ actor, reason: data.reason, sourceId: data.sourceId }) }];
}

function removeActor({ data }: RemoveActor, state: RecordedIncident): IncidentEvent[] {
  if (!isIdentified(data.actor)) {
    throw new IncidentRuleViolation('actor_unidentified', 'an actor needs an actorId or a name');
  }
  const present = state.actors.find((actor) => isSameActor(actor, data.actor));
  if (!present) {
    throw new IncidentRuleViolation('actor_not_present', `${describeActor(data.actor)} is not in the incident`);
  }
  return [{ type: 'incident.actor_removed', data: { actor: identityOf(present), reason: data.reason } }];
}

function identifyActor({ data }: IdentifyActor, state: RecordedIncident): IncidentEvent[] {
  requireAttachedSource(state, data.sourceId);
  const present = state.actors.find((actor) => isSameActor(actor, data.actor));
  if (!present) {
    throw new IncidentRuleViolation('actor_not_present', `${describeActor(data.actor)} is not in the incident`);
  }
  if (present.actorId === data.actorId) {
    throw new IncidentRuleViolation('nothing_to_change', `${describeActor(present)} is already linked to ${data.actorId}`);
  }
  const taken = state.actors.find((actor) => actor !== present && actor.role === present.role && actor.actorId === data.actorId);
  if (taken) {
    throw new IncidentRuleViolation('actor_already_present', `${describeActor(taken)} is already this actor in this role`);
  }
  return [
    {
      type: 'incident.actor_identified',
      data: compact({ actor: identityOf(present), actorId: data.actorId, reason: data.reason, sourceId: data.sourceId }),
    },
  ];
}

function link({ data }: LinkIncident, state: RecordedIncident): IncidentEvent[] {
  return [{ type: 'incident.linked', data: checkLink(data, state.id, state.related) }];
}

function verify({ data }: VerifyIncident, state: RecordedIncident): IncidentEvent[] {
  if (state.status === 'verified') throw new IncidentRuleViolation('already_verified', 'the incident is already verified');
  if (state.sources.length === 0) {
    throw new IncidentRuleViolation('no_source', 'an incident cannot be verified without a source');
  }
  data.sourceIds?.forEach((sourceId) => requireAttachedSource(state, sourceId));
  // Without a list, the verification rests on every source attached at the time.
  const sourceIds = data.sourceIds?.length ? [...new Set(data.sourceIds)] : state.sources.map((source) => source.id);
  const resolvesDispute = state.status === 'disputed' ? (true as const) : undefined;
  return [{ type: 'incident.verified', data: compact({ sourceIds, note: data.note, resolvesDispute }) }];
}

function dispute({ data }: DisputeIncident, state: RecordedIncident): IncidentEvent[] {
  if (state.status === 'disputed') throw new IncidentRuleViolation('already_disputed', 'the incident is already disputed');
  return [{ type: 'incident.disputed', data: { reason: data.reason } }];
}

function retract({ data }: RetractIncident): IncidentEvent[] {
  return [{ type: 'incident.retracted', data: { reason: data.reason } }];
}
