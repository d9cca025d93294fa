import type { DatePrecision, IsoDate } from './incident.types.js';

/**
 * Calendar arithmetic on 'YYYY-MM-DD' strings. Everything is in UTC so that a date never shifts
 * with the server's time zone; Date is used only as a calculator, never to read the clock.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * True for a 'YYYY-MM-DD' string naming a day that exists (2020-02-29 yes, 2020-02-30 no). The
 * year runs from 1: PostgreSQL's dates have no year 0, so a date in it would be accepted here
 * and then stop every read model that stores it.
 */
export function isCalendarDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return utcDate(year, month + 1, 0).getUTCDate();
}

/** setUTCFullYear rather than Date.UTC, which would read years 0..99 as 1900..1999. */
function utcDate(year: number, month: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date;
}

function parse(date: IsoDate): Date {
  const [year, month, day] = date.split('-').map(Number);
  return utcDate(year, month, day);
}

/** The UTC calendar day of an instant. */
export function utcDay(instant: Date): IsoDate {
  return format(instant);
}

function format(date: Date): IsoDate {
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const parsed = parse(date);
  parsed.setUTCDate(parsed.getUTCDate() + days);
  return format(parsed);
}

/** The last day a date of this precision can mean: "week of 26 July" runs to 1 August. */
export function endOfPeriod(from: IsoDate, precision: DatePrecision): IsoDate {
  switch (precision) {
    case 'day':
      return from;
    case 'week':
      return addDays(from, 6);
    case 'month': {
      const [year, month] = from.split('-').map(Number);
      return `${from.slice(0, 7)}-${String(daysInMonth(year, month)).padStart(2, '0')}`;
    }
    case 'year':
      return `${from.slice(0, 4)}-12-31`;
    default: {
      const unknown: never = precision;
      throw new Error(`Unknown date precision: ${String(unknown)}`);
    }
  }
}
