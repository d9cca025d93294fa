import { describe, expect, it } from '@jest/globals';
import type { ActorRef, RecordedIncident } from '../../incidents/domain/index.js';
import type { TimelineEntry } from '../projections/timeline.projection.js';
import { EXPORT_COLUMNS, exportRecord, sidesOf, type ExportLookups, type RegistryActor } from './export-record.js';

const SDF = 'a0000000-0000-4000-8000-000000000001';
const ISIS = 'a0000000-0000-4000-8000-000000000002';
const ARMY = 'a0000000-0000-4000-8000-000000000003';
const SHEIKH = 'a0000000-0000-4000-8000-000000000004';

const registry = new Map<string, RegistryActor>([
  [SDF, { displayName: 'Syrian Democratic Forces', kind: 'armed_group', acledInter: 2 }],
  [ISIS, { displayName: 'Islamic State', kind: 'armed_group' }],
  [ARMY, { displayName: 'Syrian Arab Army', kind: 'state_force' }],
  [SHEIKH, { displayName: 'Sheikh', kind: 'person' }],
]);

const lookups: ExportLookups = {
  actors: registry,
  places: new Map([
    ['SY', { level: 0, nameEn: 'Syria', latitude: 35, longitude: 38 }],
    ['SY09', { level: 1, nameEn: 'Deir ez-Zor', latitude: 35.16667, longitude: 40.28333 }],
    ['SY0902', { level: 2, nameEn: 'Abu Kamal', latitude: 34.54076, longitude: 40.51966 }],
    ['SY090203', { level: 3, nameEn: 'Hajin' }],
  ]),
};

const entry = { id: 'i-1', version: 3, lastChangedAt: new Date('2020-08-08T10:00:00.500Z') } as TimelineEntry;

const incident = (changes: Partial<RecordedIncident> = {}): RecordedIncident => ({
  id: 'i-1',
  status: 'unverified',
  category: 'armed_clash',
  title: { text: 'اشتباك', language: 'ar' },
  translations: [],
  occurred: { from: '2020-08-03', to: '2020-08-03', precision: 'day' },
  place: { name: 'هجين', countryCode: 'SY', admin1: 'SY09', admin2: 'SY0902', admin3: 'SY090203', precision: 'locality' },
  actors: [],
  sources: [],
  related: [],
  tags: [],
  ...changes,
});

const as = (role: ActorRef['role'], who: string): ActorRef => (who.length === 36 ? { actorId: who, role } : { name: who, role });

describe('the two sides of an incident', () => {
  it('puts the acting side first and the side acted upon second, each in role order', () => {
    const [first, second] = sidesOf([as('victim', 'v'), as('speaker', 's'), as('target', 't'), as('perpetrator', 'p'), as('accused', 'a')]);
    expect(first.map((actor) => actor.name)).toEqual(['p', 's']);
    expect(second.map((actor) => actor.name)).toEqual(['t', 'v', 'a']);
  });

  it('puts the first participant first, the second second and the others with the first; on_behalf_of last', () => {
    const [first, second] = sidesOf([as('on_behalf_of', 'o'), as('participant', '1'), as('participant', '2'), as('participant', '3')]);
    expect(first.map((actor) => actor.name)).toEqual(['1', '3', 'o']);
    expect(second.map((actor) => actor.name)).toEqual(['2']);
  });
});

describe('an export record', () => {
  it('lists its fields in the order of the columns', () => {
    expect(Object.keys(exportRecord(entry, incident(), lookups))).toEqual([...EXPORT_COLUMNS]);
  });

  it('codes the actors from the registry, by their own code or their kind, smaller code first in the interaction', () => {
    const record = exportRecord(entry, incident({ actors: [as('perpetrator', ARMY), as('target', SDF), as('target', 'مدنيون')] }), lookups);
    expect(record).toMatchObject({
      actor1: 'Syrian Arab Army',
      inter1: 1,
      actor2: 'Syrian Democratic Forces',
      inter2: 2,
      assoc_actor_2: 'مدنيون',
      interaction: 12,
    });
    expect(exportRecord(entry, incident({ actors: [as('perpetrator', SDF), as('target', ARMY)] }), lookups).interaction).toBe(12);
  });

  it("leaves a code blank where it cannot be known, and the interaction with it; a lone actor1 is ACLED's code then 0", () => {
    const unlinked = exportRecord(entry, incident({ actors: [as('perpetrator', 'مسلحون مجهولون'), as('target', SDF)] }), lookups);
    expect(unlinked).toMatchObject({ actor1: 'مسلحون مجهولون', inter1: null, inter2: 2, interaction: null });
    expect(exportRecord(entry, incident({ actors: [as('perpetrator', SHEIKH)] }), lookups)).toMatchObject({ inter1: null, interaction: null });
    expect(exportRecord(entry, incident({ actors: [as('perpetrator', ISIS)] }), lookups)).toMatchObject({ inter1: 2, actor2: null, interaction: 20 });
    expect(exportRecord(entry, incident({ actors: [as('victim', SDF)] }), lookups)).toMatchObject({ actor1: null, inter2: 2, interaction: null });
  });

  it('maps date precision to ACLED time precision, and keeps the range', () => {
    const precision = (occurred: RecordedIncident['occurred']) => exportRecord(entry, incident({ occurred }), lookups);
    expect(precision({ from: '2020-08-03', to: '2020-08-03', precision: 'day' })).toMatchObject({ time_precision: 1, event_date: '2020-08-03', year: 2020 });
    expect(precision({ from: '2020-07-26', to: '2020-08-01', precision: 'week' })).toMatchObject({ time_precision: 2, event_date_to: '2020-08-01' });
    expect(precision({ from: '2020-07-01', to: '2020-07-31', precision: 'month' }).time_precision).toBe(3);
    expect(precision({ from: '2019-01-01', to: '2019-12-31', precision: 'year' })).toMatchObject({ time_precision: 3, year: 2019 });
  });

  it('places it at its coordinates, else at the centroid of its deepest unit that has one, no finer than that unit', () => {
    const located = exportRecord(entry, incident({ place: { ...incident().place, latitude: 34.7, longitude: 40.8 } }), lookups);
    expect(located).toMatchObject({ latitude: 34.7, longitude: 40.8, geo_precision: 1, admin1: 'Deir ez-Zor', admin2: 'Abu Kamal', admin3: 'Hajin' });
    // Hajin has no centroid here: Abu Kamal's stands in, a district's.
    expect(exportRecord(entry, incident(), lookups)).toMatchObject({ latitude: 34.54076, longitude: 40.51966, geo_precision: 2 });
    const governorate = incident({ place: { name: 'دير الزور', countryCode: 'SY', admin1: 'SY09', precision: 'governorate' } });
    expect(exportRecord(entry, governorate, lookups)).toMatchObject({ latitude: 35.16667, geo_precision: 3, admin2: null, admin2_pcode: null });
    const nowhere = incident({ place: { name: 'Baghdad', countryCode: 'IQ', precision: 'locality' } });
    expect(exportRecord(entry, nowhere, lookups)).toMatchObject({ latitude: null, longitude: null, geo_precision: 1, iso: 368, country: 'Iraq' });
  });

  it('names its sources once each, its notes from title and summary, and its last change in Unix seconds', () => {
    const source = (outlet: string) => ({ id: outlet, outlet, language: 'ar', access: 'relayed' as const });
    const record = exportRecord(
      entry,
      incident({ sources: [source('نورث برس'), source('SOHR'), source('نورث برس')], summary: { text: 'ملخص', language: 'ar' } }),
      lookups,
    );
    expect(record).toMatchObject({ source: 'نورث برس; SOHR', notes: 'اشتباك — ملخص', timestamp: 1596880800, iso: 760, country: 'Syria' });
    expect(exportRecord(entry, incident(), lookups)).toMatchObject({ notes: 'اشتباك', source: null, fatalities: null });
  });

  it('reads external ids without trusting their shape', () => {
    const withIds = (externalIds: unknown) => exportRecord(entry, { ...incident(), externalIds } as RecordedIncident, lookups).external_ids;
    expect(withIds({ 'ucdp-ged': '230050', acled: 'SYR1' })).toEqual({ acled: 'SYR1', 'ucdp-ged': '230050' });
    expect(Object.keys(withIds({ 'ucdp-ged': '230050', acled: 'SYR1' }))).toEqual(['acled', 'ucdp-ged']);
    expect(withIds(undefined)).toEqual({});
    expect(withIds(['x'])).toEqual({});
    expect(withIds('ucdp-ged:1')).toEqual({});
    expect(withIds({ good: '1', bad: 2, worse: { x: 1 } })).toEqual({ good: '1' });
  });
});
