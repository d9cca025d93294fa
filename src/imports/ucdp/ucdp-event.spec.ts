import { describe, expect, it } from '@jest/globals';
import { countryCodeOf } from './ucdp-rows.js';
import { ucdpIncident, type UcdpEvent } from './ucdp-event.js';

/** One GED event to an incident body, as the codebook (19.1) reads its columns. */
const event = (overrides: Partial<UcdpEvent> = {}): UcdpEvent => ({
  id: '230050',
  type_of_violence: '1',
  conflict_name: 'Syria: Islamic State',
  dyad_name: 'Government of Syria - IS',
  side_a: 'Government of Syria',
  side_b: 'IS',
  source_article: '"SOHR,2016-10-02,The regime forces show bodies"',
  source_office: 'SOHR',
  source_date: '2016-10-02',
  source_headline: 'The regime forces show bodies of &#8220;Islamic State&#8221; members',
  source_original: 'SOHR',
  where_prec: '1',
  where_coordinates: 'Deir ez Zor town',
  adm_1: 'Deir ez Zor Governorate',
  adm_2: 'Deir ez Zor district',
  latitude: '35.335876',
  longitude: '40.140844',
  country: 'Syria',
  date_prec: '1',
  date_start: '2016-10-02',
  date_end: '2016-10-02',
  deaths_a: '0',
  deaths_b: '2',
  deaths_civilians: '0',
  deaths_unknown: '0',
  low: '2',
  best: '2',
  high: '2',
  ...overrides,
});
const context = { sideA: 'a-id', sideB: 'b-id', countryCode: 'SY', admin1: 'SY09', admin2: 'SY0901' };

describe('a UCDP GED event as an incident', () => {
  it('splits the reports of an event into sources after decoding its character references', () => {
    const body = ucdpIncident(
      event({
        source_office: 'SOHR;Airwars',
        source_date: '2016-10-02;2016-10-03',
        source_headline: 'The &#8220;Islamic State&#8221; attacks;Strikes near &amp; around the city',
      }),
      context,
    );
    expect(body.sources).toEqual([
      { outlet: 'SOHR', publishedOn: '2016-10-02', language: 'en', access: 'relayed', quote: { text: 'The “Islamic State” attacks', language: 'en' } },
      { outlet: 'Airwars', publishedOn: '2016-10-03', language: 'en', access: 'relayed', quote: { text: 'Strikes near & around the city', language: 'en' } },
    ]);
  });

  it('keeps a report listed twice once', () => {
    const body = ucdpIncident(event({ source_office: 'SOHR;SOHR', source_date: '2016-10-02;2016-10-02', source_headline: 'Same;Same' }), context);
    expect(body.sources).toHaveLength(1);
  });

  it('reads dates written with a time of day, and blank coordinates as none', () => {
    const body = ucdpIncident(event({ date_start: '2016-10-02 00:00:00.000', date_end: '2016-10-09 00:00:00.000', date_prec: '3', latitude: ' ', longitude: '' }), context);
    expect(body.occurred).toMatchObject({ from: '2016-10-02', to: '2016-10-09', precision: 'week' });
    expect(body.place).toMatchObject({ latitude: undefined, longitude: undefined });
  });

  it('places an event without adm_1 in its country, and names a code it does not know in the field the API refuses', () => {
    const body = ucdpIncident(event({ adm_1: '', adm_2: '', where_prec: '7', where_coordinates: '', type_of_violence: '4' }), { ...context, admin1: undefined, admin2: undefined });
    expect(body.place).toMatchObject({ name: 'Syria', countryCode: 'SY', precision: 'region' });
    expect(body.place).not.toHaveProperty('admin1');
    expect(body.category).toBe('type_of_violence 4');
  });
});

describe('GED country names', () => {
  it.each([
    ['Syria', 'SY'],
    ['DR Congo (Zaire)', 'CD'],
    ['Congo', 'CG'],
    ['Myanmar (Burma)', 'MM'],
    ['Turkey', 'TR'],
    ['Bosnia-Herzegovina', 'BA'],
    ['Ivory Coast', 'CI'],
    ['United States of America', 'US'],
    ['Russia (Soviet Union)', 'RU'],
    ['Yemen (North Yemen)', 'YE'],
  ])('%s is %s', (name, code) => {
    expect(countryCodeOf(name)).toBe(code);
  });

  it('refuses a name it does not know, saying so', () => {
    expect(() => countryCodeOf('Atlantis')).toThrow('country "Atlantis" has no ISO 3166 code this import knows');
  });
});
