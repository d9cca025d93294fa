import type { I18n } from './i18n.js';
import type { Fatalities, Occurred } from './api.js';

/** Calendar dates are days, not instants: always formatted in UTC so no time zone moves them. */
const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(options);
  let known = cache.get(key);
  if (!known) cache.set(key, (known = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options })));
  return known;
}

const asDate = (iso: string) => new Date(`${iso.slice(0, 10)}T00:00:00Z`);

/** "8 Aug 2020" */
export const formatDay = (i18n: I18n, iso: string) => formatter(i18n.locale, { day: 'numeric', month: 'short', year: 'numeric' }).format(asDate(iso));
/** "August 2020" */
export const formatMonth = (i18n: I18n, iso: string) => formatter(i18n.locale, { month: 'long', year: 'numeric' }).format(asDate(iso));
/** "Aug" */
export const formatMonthShort = (i18n: I18n, iso: string) => formatter(i18n.locale, { month: 'short' }).format(asDate(iso));

/** An instant (recordedAt), in the reader's own time zone. */
export const formatInstant = (i18n: I18n, iso: string) =>
  new Intl.DateTimeFormat(i18n.locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));

/** The last day of the period a date at this precision names. */
export function naturalEnd(occurred: Pick<Occurred, 'from' | 'precision'>): string {
  const date = asDate(occurred.from);
  switch (occurred.precision) {
    case 'day':
      break;
    case 'week':
      date.setUTCDate(date.getUTCDate() + 6);
      break;
    case 'month':
      date.setUTCMonth(date.getUTCMonth() + 1, 0);
      break;
    case 'year':
      date.setUTCFullYear(date.getUTCFullYear(), 11, 31);
      break;
  }
  return date.toISOString().slice(0, 10);
}

/** The date as precisely as it is known: "8 Aug 2020", "week of 26 Jul 2020", "July 2020", "2019". */
export function formatOccurred(i18n: I18n, occurred: Pick<Occurred, 'from' | 'precision'>): string {
  switch (occurred.precision) {
    case 'week':
      return i18n.t('weekOf', { date: formatDay(i18n, occurred.from) });
    case 'month':
      return formatMonth(i18n, occurred.from);
    case 'year':
      return occurred.from.slice(0, 4);
    default:
      return formatDay(i18n, occurred.from);
  }
}

/** The exact range, when it says more than the precision does ("1 Jul – 8 Aug 2020"). */
export function formatRange(i18n: I18n, occurred: Occurred): string | undefined {
  const to = occurred.to ?? naturalEnd(occurred);
  if (occurred.precision === 'day' && to === occurred.from) return undefined;
  return i18n.t('dateRange', { from: formatDay(i18n, occurred.from), to: formatDay(i18n, to) });
}

export function formatFatalities(i18n: I18n, fatalities: Fatalities | undefined): string | undefined {
  if (!fatalities) return undefined;
  const { low, best, high } = fatalities;
  if (low === best && best === high) return i18n.plural('killed', best);
  return i18n.t('killedRange', { low: i18n.num(low), high: i18n.num(high), best: i18n.num(best) });
}

/** "2020-08" → the first and last day of that month. */
export function monthRange(month: string): { from: string; to: string } {
  const from = `${month}-01`;
  return { from, to: naturalEnd({ from, precision: 'month' }) };
}

/** Every month from the first to the last, so empty months show as gaps. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  const [lastYear, lastMonth] = last.split('-').map(Number) as [number, number];
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}
