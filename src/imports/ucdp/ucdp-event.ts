import type { DatePrecision, IncidentCategory, PlacePrecision } from '../../incidents/domain/index.js';
import { isCalendarDate } from '../../incidents/domain/index.js';
import { MAX } from '../../incidents/http/dto/validators.js';

/**
 * One UCDP GED event as an incident, in the body POST /incidents takes, so it is judged by the
 * same rules as any other. Column meanings are the GED codebook's (version 19.1).
 */

/** The columns of a GED export this mapping reads. */
export type UcdpEvent = Record<
  | 'id'
  | 'type_of_violence'
  | 'conflict_name'
  | 'dyad_name'
  | 'side_a'
  | 'side_b'
  | 'source_article'
  | 'source_office'
  | 'source_date'
  | 'source_headline'
  | 'source_original'
  | 'where_prec'
  | 'where_coordinates'
  | 'adm_1'
  | 'adm_2'
  | 'latitude'
  | 'longitude'
  | 'country'
  | 'date_prec'
  | 'date_start'
  | 'date_end'
  | 'deaths_a'
  | 'deaths_b'
  | 'deaths_civilians'
  | 'deaths_unknown'
  | 'low'
  | 'best'
  | 'high',
  string
>;

/** What the mapping needs resolved first: the sides' registry ids and the units' p-codes. */
export interface UcdpContext {
  sideA: string;
  sideB: string;
  countryCode: string;
  admin1?: string;
  admin2?: string;
}

/** The external-id key of a GED event. */
export const UCDP_GED = 'ucdp-ged';

/**
 * type_of_violence: 1 state-based and 2 non-state conflict are fighting between the sides (an
 * armed clash, both sides participants); 3 one-sided violence is side A attacking civilians.
 */
const VIOLENCE: Record<string, { category: IncidentCategory; roles: ['perpetrator' | 'participant', 'victim' | 'participant'] }> = {
  '1': { category: 'armed_clash', roles: ['participant', 'participant'] },
  '2': { category: 'armed_clash', roles: ['participant', 'participant'] },
  '3': { category: 'attack_on_civilians', roles: ['perpetrator', 'victim'] },
};

/** date_prec: 1 the day; 2 within 2–6 days and 3 a week; 4 a month; 5 a year. The range is date_start..date_end either way. */
const DATE_PRECISION: Record<string, DatePrecision> = { '1': 'day', '2': 'week', '3': 'week', '4': 'month', '5': 'year' };

/**
 * where_prec: 1 the exact place; 2 within about 25 km of it; 3 a district (adm 2); 4 a governorate
 * (adm 1); 5 larger than that, or between places; 6 the country; 7 water or airspace.
 */
const PLACE_PRECISION: Record<string, PlacePrecision> = {
  '1': 'point',
  '2': 'locality',
  '3': 'district',
  '4': 'governorate',
  '5': 'region',
  '6': 'country',
  '7': 'region',
};

export function ucdpIncident(event: UcdpEvent, context: UcdpContext): Record<string, unknown> {
  const violence = VIOLENCE[event.type_of_violence];
  const number = (column: keyof UcdpEvent) => (/^\d+$/.test(event[column]) ? Number(event[column]) : event[column]);
  const coordinate = (column: 'latitude' | 'longitude') => (event[column].trim() === '' ? undefined : Number(event[column]));
  // Some GED exports write dates with a time of day ('2016-10-02 00:00:00.000'): the day is what counts.
  const day = (column: 'date_start' | 'date_end') => event[column].trim().replace(/^(\d{4}-\d{2}-\d{2})[ T][\d:.]*$/, '$1');
  const where = event.where_coordinates.trim() || event.adm_2.trim() || event.adm_1.trim() || event.country;
  return {
    // An unknown code is left for the API's rules to refuse; the value names the GED column.
    category: violence?.category ?? `type_of_violence ${event.type_of_violence}`,
    title: { text: clip(`${event.side_a} – ${event.side_b}: ${where}`, MAX.title), language: 'en' },
    occurred: {
      from: day('date_start'),
      to: day('date_end'),
      precision: DATE_PRECISION[event.date_prec] ?? `date_prec ${event.date_prec}`,
      ...(event.date_prec !== '1' && { note: `UCDP date_prec ${event.date_prec}: between ${day('date_start')} and ${day('date_end')}.` }),
    },
    place: {
      name: where,
      countryCode: context.countryCode,
      ...(context.admin1 && { admin1: context.admin1 }),
      ...(context.admin1 && context.admin2 && { admin2: context.admin2 }),
      latitude: coordinate('latitude'),
      longitude: coordinate('longitude'),
      precision: PLACE_PRECISION[event.where_prec] ?? `where_prec ${event.where_prec}`,
    },
    actors: [
      { actorId: context.sideA, name: event.side_a, role: violence?.roles[0] ?? 'participant' },
      { actorId: context.sideB, name: event.side_b, role: violence?.roles[1] ?? 'participant' },
    ],
    fatalities: {
      ...estimates(number('low'), number('best'), number('high')),
      byParty: [
        { party: event.side_a, deaths: number('deaths_a') },
        { party: event.side_b, deaths: number('deaths_b') },
        { party: 'civilians', deaths: number('deaths_civilians') },
        { party: 'unknown', deaths: number('deaths_unknown') },
      ],
    },
    sources: sourcesOf(event),
    tags: [event.conflict_name.trim()].filter(Boolean),
    notes: clip(
      [
        `UCDP GED event ${event.id}: ${event.dyad_name} (${event.conflict_name}).`,
        !ordered(number('low'), number('best'), number('high')) &&
          `UCDP gives the estimates low ${event.low}, best ${event.best}, high ${event.high}; low and high are widened to take in best.`,
        event.source_article.trim() && `Source article: ${decodeEntities(event.source_article.trim())}`,
        event.source_original.trim() && `Original source: ${event.source_original.trim()}`,
      ]
        .filter(Boolean)
        .join('\n'),
      MAX.notes,
    ),
    externalIds: { [UCDP_GED]: event.id },
  };
}

/**
 * GED lists an event's reports as parallel lists separated by ';' (office, date, headline). When
 * the lists agree, each report is a source; otherwise the event's source fields are one source.
 * A report listed twice (the same office, date and headline) is one source.
 */
function sourcesOf(event: UcdpEvent) {
  // Decoded first: '&#8220;' would otherwise split a headline in two.
  const offices = decodeEntities(event.source_office).split(';');
  const dates = event.source_date.split(';');
  const headlines = decodeEntities(event.source_headline).split(';');
  const parallel = offices.length === dates.length;
  const reports = parallel
    ? offices.map((office, index) => ({ office, date: dates[index], headline: headlines.length === offices.length ? headlines[index] : undefined }))
    : [{ office: decodeEntities(event.source_office), date: dates[0], headline: decodeEntities(event.source_headline) }];
  const sources = new Map<string, Record<string, unknown>>();
  for (const { office, date, headline } of reports) {
    const quote = headline?.trim();
    const source = {
      outlet: clip(office.trim() || 'unknown (UCDP GED)', MAX.name),
      ...(date && isCalendarDate(date.trim()) && { publishedOn: date.trim() }),
      language: 'en',
      access: 'relayed',
      ...(quote && { quote: { text: clip(quote, MAX.quote), language: 'en' } }),
    };
    sources.set(JSON.stringify(source), source);
  }
  return [...sources.values()];
}

const ordered = (low: unknown, best: unknown, high: unknown) =>
  typeof low !== 'number' || typeof best !== 'number' || typeof high !== 'number' || (low <= best && best <= high);

/**
 * A few GED events have a best estimate outside low..high (low 177, best 142, high 177). The best
 * estimate is the one analyses sum, so it is kept, and low and high widened to take it in; the
 * notes keep UCDP's own figures.
 */
function estimates(low: unknown, best: unknown, high: unknown) {
  if (ordered(low, best, high)) return { low, best, high };
  const [l, b, h] = [low, best, high] as number[];
  return { low: Math.min(l, b), best: b, high: Math.max(h, b) };
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** GED's text carries HTML character references (`&#8220;Islamic State&#8221;`) from the pages it was taken from. */
function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', nbsp: '\u00a0' };
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (reference, name: string) => {
    if (name[0] !== '#') return named[name.toLowerCase()] ?? reference;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
  });
}
