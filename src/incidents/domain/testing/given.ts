import { decide } from '../decide.js';
import type { IncidentCommand } from '../incident.commands.js';
import { IncidentNotFoundError, IncidentRuleViolation, type IncidentRuleCode } from '../incident.errors.js';
import type { IncidentEvent } from '../incident.events.js';
import { evolve, initialState, type IncidentState } from '../incident.state.js';
import { NOW } from './worked-example.js';

/**
 * Given/when/then for the decider, with no test framework inside: the outcome is a plain value,
 * so a spec states its expectation in one `expect(...).toEqual(...)`.
 */
export type Outcome = { events: IncidentEvent[] } | { refused: 'not_found' | IncidentRuleCode };

export function fold(events: readonly IncidentEvent[]): IncidentState {
  return events.reduce(evolve, initialState());
}

export function given(...events: IncidentEvent[]) {
  return {
    when(command: IncidentCommand, now: Date = NOW): Outcome {
      try {
        return { events: decide(command, fold(events), { now }) };
      } catch (error) {
        if (error instanceof IncidentNotFoundError) return { refused: 'not_found' };
        if (error instanceof IncidentRuleViolation) return { refused: error.code };
        throw error;
      }
    },
  };
}
