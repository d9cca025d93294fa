/**
 * The two ways the decider refuses a command. They carry no HTTP types, but the mapping is fixed:
 * not found is 404, a broken rule is 409 with its code.
 */

/** A command other than RecordIncident named an incident that was never recorded. */
export class IncidentNotFoundError extends Error {
  constructor(message = 'The incident has not been recorded') {
    super(message);
    this.name = 'IncidentNotFoundError';
  }
}

export const INCIDENT_RULE_CODES = [
  'already_recorded',
  'retracted',
  'nothing_to_change',
  'duplicate_source',
  'unknown_source',
  'no_source',
  'actor_already_present',
  'actor_not_present',
  'actor_unidentified',
  'self_link',
  'already_linked',
  'already_verified',
  'already_disputed',
  'occurred_in_future',
  'date_range_reversed',
  'invalid_date',
  'fatalities_out_of_order',
  'fatalities_by_party_mismatch',
  'invalid_fatalities',
] as const;

export type IncidentRuleCode = (typeof INCIDENT_RULE_CODES)[number];

/** The command is well formed but the incident, as it stands, does not allow it. */
export class IncidentRuleViolation extends Error {
  constructor(
    readonly code: IncidentRuleCode,
    message: string,
  ) {
    super(message);
    this.name = 'IncidentRuleViolation';
  }
}
