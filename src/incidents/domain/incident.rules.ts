import { isIdentified, isSameActor, normaliseActor } from './actors.js';
import { addDays, endOfPeriod, isCalendarDate, utcDay } from './dates.js';
import { IncidentRuleViolation, type IncidentRuleCode } from './incident.errors.js';
import type { RecordedIncident } from './incident.state.js';
import type { ActorRef, Fatalities, Occurred, OccurredInput, RelatedIncident, Source } from './incident.types.js';
import { compact } from '../../common/plain-data.js';

/**
 * The invariants shared by several commands. The HTTP layer checks shapes first; these checks
 * still run because the decider is also fed by imports and scripts, and an event, once written,
 * is never rewritten.
 */

const violation = (code: IncidentRuleCode, message: string) => new IncidentRuleViolation(code, message);

/** Fills `to` from the precision and holds the range to the calendar and to the present. */
export function toOccurred(input: OccurredInput, now: Date): Occurred {
  if (!isCalendarDate(input.from)) throw violation('invalid_date', `occurred.from ${input.from} is not a calendar date`);
  if (input.to !== undefined && !isCalendarDate(input.to)) {
    throw violation('invalid_date', `occurred.to ${input.to} is not a calendar date`);
  }
  const occurred: Occurred = compact({
    from: input.from,
    to: input.to ?? endOfPeriod(input.from, input.precision),
    precision: input.precision,
    note: input.note,
  });
  if (occurred.from > occurred.to) {
    throw violation('date_range_reversed', `occurred.from ${occurred.from} is after occurred.to ${occurred.to}`);
  }
  // One day of grace: a report filed in a time zone ahead of UTC can already be "tomorrow".
  const latest = addDays(utcDay(now), 1);
  if (occurred.from > latest) {
    throw violation('occurred_in_future', `occurred.from ${occurred.from} is in the future`);
  }
  return occurred;
}

export function checkFatalities(fatalities: Fatalities): Fatalities {
  const { low, best, high } = fatalities;
  if (![low, best, high].every((n) => Number.isInteger(n) && n >= 0)) {
    throw violation('invalid_fatalities', 'fatality counts must be whole numbers, zero or more');
  }
  if (!(low <= best && best <= high)) {
    throw violation('fatalities_out_of_order', `fatalities must have low <= best <= high (got ${low}, ${best}, ${high})`);
  }
  if (!fatalities.byParty) return { low, best, high };
  const byParty = fatalities.byParty.map(({ party, deaths }) => ({ party, deaths }));
  if (!byParty.every(({ deaths }) => Number.isInteger(deaths) && deaths >= 0)) {
    throw violation('invalid_fatalities', 'fatality counts must be whole numbers, zero or more');
  }
  // A split of the best estimate, as UCDP's deaths_a + deaths_b + deaths_civilians + deaths_unknown = best.
  const split = byParty.reduce((sum, { deaths }) => sum + deaths, 0);
  if (split !== best) {
    throw violation('fatalities_by_party_mismatch', `fatalities by party add up to ${split}, not to the best estimate ${best}`);
  }
  return { low, best, high, byParty };
}

/** Tags compare trimmed; the first spelling wins and empty tags are dropped. */
export function normaliseTags(tags: readonly string[] = []): string[] {
  return [...new Set(tags.map((tag) => tag.trim()).filter(Boolean))];
}

export function checkSource(source: Source, attached: readonly Source[]): Source {
  if (source.publishedOn !== undefined && !isCalendarDate(source.publishedOn)) {
    throw violation('invalid_date', `source publishedOn ${source.publishedOn} is not a calendar date`);
  }
  if (attached.some((other) => other.id === source.id)) {
    throw violation('duplicate_source', `a source with id ${source.id} is already attached`);
  }
  const url = source.url && comparableUrl(source.url);
  // A confidential source's url is not compared: the refusal would tell whoever attaches a
  // source, whatever their role, that the incident rests on that url.
  if (url && attached.some((other) => !other.confidential && other.url && comparableUrl(other.url) === url)) {
    throw violation('duplicate_source', `a source with url ${source.url} is already attached`);
  }
  return compact(source);
}

/** Checks each source against the ones before it, so a list cannot cite one report twice. */
export function checkSources(sources: readonly Source[]): Source[] {
  if (sources.length === 0) throw violation('no_source', 'an incident needs at least one source');
  return sources.reduce<Source[]>((checked, source) => [...checked, checkSource(source, checked)], []);
}

/** The same article is often cited as http and https, with a trailing slash or a #fragment. */
function comparableUrl(url: string): string {
  try {
    const parsed = new URL(url.trim());
    parsed.hash = '';
    return `${parsed.host}${parsed.pathname.replace(/\/+$/, '')}${parsed.search}`;
  } catch {
    return url.trim();
  }
}

export function requireAttachedSource(state: RecordedIncident, sourceId: string | undefined): void {
  if (sourceId !== undefined && !state.sources.some((source) => source.id === sourceId)) {
    throw violation('unknown_source', `no source with id ${sourceId} is attached to the incident`);
  }
}

export function checkActor(actor: ActorRef, present: readonly ActorRef[]): ActorRef {
  if (!isIdentified(actor)) throw violation('actor_unidentified', 'an actor needs an actorId or a name');
  if (present.some((other) => isSameActor(other, actor))) {
    throw violation('actor_already_present', `${describeActor(actor)} is already in the incident`);
  }
  return normaliseActor(actor);
}

export function checkActors(actors: readonly ActorRef[]): ActorRef[] {
  return actors.reduce<ActorRef[]>((checked, actor) => [...checked, checkActor(actor, checked)], []);
}

export function describeActor(actor: { actorId?: string; name?: string; role: string }): string {
  return `${actor.name?.trim() || actor.actorId} as ${actor.role}`;
}

export function checkLink(link: RelatedIncident, incidentId: string, linked: readonly RelatedIncident[]): RelatedIncident {
  if (link.incidentId === incidentId) throw violation('self_link', 'an incident cannot be linked to itself');
  if (linked.some((other) => other.incidentId === link.incidentId && other.relation === link.relation)) {
    throw violation('already_linked', `the incident is already linked to ${link.incidentId} (${link.relation})`);
  }
  return { incidentId: link.incidentId, relation: link.relation };
}

export function checkLinks(related: readonly RelatedIncident[], incidentId: string): RelatedIncident[] {
  return related.reduce<RelatedIncident[]>((checked, link) => [...checked, checkLink(link, incidentId, checked)], []);
}
