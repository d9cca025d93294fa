import { compact, sameJson } from '../common/plain-data.js';
import { isSameActor } from '../incidents/domain/actors.js';
import {
  decide,
  evolve,
  IncidentRuleViolation,
  type IncidentCommand,
  type IncidentEvent,
  type IncidentState,
  type RecordedIncident,
} from '../incidents/domain/index.js';
import type { IncidentChangesInput } from '../incidents/domain/incident.commands.js';
import type { IncidentRecordedData } from '../incidents/domain/incident.events.js';

/** The fields a correction carries, and what clears each optional one. */
const CORRECTABLE = ['category', 'title', 'summary', 'translations', 'occurred', 'place', 'tags', 'notes'] as const;
const CLEARED: Partial<Record<(typeof CORRECTABLE)[number], null | []>> = { summary: null, notes: null, translations: [], tags: [] };

/**
 * A changed source row, as commands: what differs between the incident as the previous import of
 * the row left it and as the row now has it. Comparing with the previous import rather than with
 * the incident as it stands leaves alone what analysts changed since, on fields the source did
 * not change; on a field it did change, the source's new value wins.
 */
export function changesOfRow(previous: RecordedIncident, wanted: IncidentRecordedData, reason: string): IncidentCommand[] {
  const commands: IncidentCommand[] = [];
  const changes: IncidentChangesInput = {};
  for (const field of CORRECTABLE) {
    if (!sameJson(previous[field] ?? undefined, wanted[field] ?? undefined)) {
      Object.assign(changes, { [field]: wanted[field] ?? CLEARED[field] });
    }
  }
  if (Object.keys(changes).length > 0) commands.push({ type: 'CorrectIncident', data: { changes, reason } });
  if (!sameJson(previous.fatalities, wanted.fatalities)) {
    commands.push({ type: 'ReviseFatalities', data: { fatalities: wanted.fatalities ?? null, reason } });
  }
  for (const source of wanted.sources) {
    if (!previous.sources.some((known) => known.id === source.id)) commands.push({ type: 'AttachSource', data: { source } });
  }
  for (const actor of wanted.actors) {
    if (!previous.actors.some((known) => isSameActor(known, actor))) commands.push({ type: 'AddActor', data: { actor, reason } });
  }
  for (const actor of previous.actors) {
    if (!wanted.actors.some((kept) => isSameActor(kept, actor))) {
      const { actorId, name, role } = actor;
      commands.push({ type: 'RemoveActor', data: { actor: compact({ actorId, name, role }), reason } });
    }
  }
  return commands;
}

/** Refusals that mean the incident already says what the command would: an analyst got there first. */
const ALREADY_SO = new Set(['nothing_to_change', 'duplicate_source', 'actor_already_present', 'actor_not_present']);

/**
 * The events the commands make, each decided on the state the ones before it left. A command the
 * incident has already made moot is skipped; any other refusal refuses them all.
 */
export function decideAll(commands: readonly IncidentCommand[], state: IncidentState, now: Date): IncidentEvent[] {
  const events: IncidentEvent[] = [];
  for (const command of commands) {
    let decided: IncidentEvent[];
    try {
      decided = decide(command, state, { now });
    } catch (error) {
      if (error instanceof IncidentRuleViolation && ALREADY_SO.has(error.code)) continue;
      throw error;
    }
    events.push(...decided);
    state = decided.reduce(evolve, state);
  }
  return events;
}
