import { describe, expect, it } from '@jest/globals';
import { addDays, endOfPeriod, isCalendarDate, utcDay } from './dates.js';

describe('isCalendarDate', () => {
  it.each(['2020-08-08', '2020-02-29', '2000-02-29', '2019-12-31', '0044-03-15', '0001-01-01', '9999-12-31'])('accepts %s', (date) => {
    expect(isCalendarDate(date)).toBe(true);
  });

  it.each([
    '2020-02-30',
    '2019-02-29',
    '1900-02-29',
    '2020-13-01',
    '2020-00-10',
    '2020-04-31',
    '2020-8-8',
    '08/08/2020',
    '2020-08-08T00:00:00Z',
    '',
    // No year 0 in PostgreSQL: an incident dated in it stopped every read model (test/hostile).
    '0000-01-01',
    '0000-02-29',
  ])('rejects %s', (date) => {
    expect(isCalendarDate(date)).toBe(false);
  });

  it('rejects what is not a string', () => {
    expect(isCalendarDate(20200808)).toBe(false);
    expect(isCalendarDate(null)).toBe(false);
  });
});

describe('endOfPeriod', () => {
  it.each([
    ['2020-08-03', 'day', '2020-08-03'],
    ['2020-07-26', 'week', '2020-08-01'],
    ['2020-12-28', 'week', '2021-01-03'],
    ['2019-03-01', 'month', '2019-03-31'],
    ['2020-02-10', 'month', '2020-02-29'],
    ['2019-02-10', 'month', '2019-02-28'],
    ['2019-03-01', 'year', '2019-12-31'],
  ] as const)('%s with precision %s runs to %s', (from, precision, to) => {
    expect(endOfPeriod(from, precision)).toBe(to);
  });
});

describe('UTC day arithmetic', () => {
  it('takes the UTC calendar day of an instant, whatever the local zone', () => {
    expect(utcDay(new Date('2020-08-08T23:30:00-05:00'))).toBe('2020-08-09');
  });

  it('adds days across months and years', () => {
    expect(addDays('2020-08-08', -5)).toBe('2020-08-03');
    expect(addDays('2020-12-31', 1)).toBe('2021-01-01');
  });
});
