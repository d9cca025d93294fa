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

type Field = (typeof CORRECTABLE)[number] | 'fatalities';

export interface RowChanges {
  commands: IncidentCommand[];
  /** Fields the row changed that an analyst had changed too: the analyst's value is kept. */
  kept: Field[];
}

/**
 * A changed source row, as commands: a three-way merge of the incident as the row's previous
 * imports left it (`base`), as it stands (`current`) and as the row now has it (`wanted`). A
 * field the row changed is corrected when nobody else touched it; when an analyst changed it
 * since, the analyst's value is kept and the field reported. Sources, actors and links the row
 * adds are added; actors it drops are removed, unless an analyst removed them already. An
 * actor's affiliation or note, and a source's details, are not corrected: changed, they read as
 * another source.
 */
export function changesOfRow(base: RecordedIncident, current: RecordedIncident, wanted: IncidentRecordedData, reason: string): RowChanges {
  const commands: IncidentCommand[] = [];
  const kept: Field[] = [];
  /** Whether the row's change of a field is to be made: the row changed it, and nobody else did. */
  const take = (field: Field): boolean => {
    if (sameJson(base[field] ?? undefined, wanted[field] ?? undefined)) return false;
    if (sameJson(current[field] ?? undefined, base[field] ?? undefined)) return true;
    if (!sameJson(current[field] ?? undefined, wanted[field] ?? undefined)) kept.push(field);
    return false;
  };
  const changes: IncidentChangesInput = {};
  for (const field of CORRECTABLE) {
    if (take(field)) Object.assign(changes, { [field]: wanted[field] ?? CLEARED[field] });
  }
  if (Object.keys(changes).length > 0) commands.push({ type: 'CorrectIncident', data: { changes, reason } });
  if (take('fatalities')) commands.push({ type: 'ReviseFatalities', data: { fatalities: wanted.fatalities ?? null, reason } });
  for (const source of wanted.sources) {
    if (!current.sources.some((known) => known.id === source.id)) commands.push({ type: 'AttachSource', data: { source } });
  }
  for (const actor of wanted.actors) {
    const isNew = !base.actors.some((known) => isSameActor(known, actor)) && !current.actors.some((known) => isSameActor(known, actor));
    if (isNew) commands.push({ type: 'AddActor', data: { actor, reason } });
  }
  for (const actor of base.actors) {
    const dropped = !wanted.actors.some((kept) => isSameActor(kept, actor)) && current.actors.some((known) => isSameActor(known, actor));
    if (dropped) {
      const { actorId, name, role } = actor;
      commands.push({ type: 'RemoveActor', data: { actor: compact({ actorId, name, role }), reason } });
    }
  }
  for (const link of wanted.related) {
    const known = (incident: RecordedIncident) => incident.related.some((other) => sameJson(other, link));
    if (!known(base) && !known(current)) commands.push({ type: 'LinkIncident', data: link });
  }
  return { commands, kept };
}

/** Refusals that mean the incident already says what the command would: an analyst got there first. */
const ALREADY_SO = new Set(['nothing_to_change', 'duplicate_source', 'actor_already_present', 'actor_not_present', 'already_linked']);

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
