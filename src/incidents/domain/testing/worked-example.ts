import type { RecordIncident } from '../incident.commands.js';
import type { IncidentRecorded } from '../incident.events.js';
import type { Place, Source } from '../incident.types.js';
import { P_INFERRED, PUBLICATION_DAY, WORKED_EXAMPLE_IDS } from '../../../demo/worked-example.js';

/**
 * Fixtures from the worked example: one North Press report (reporter Hoshang Hasan), published on
 * Saturday 8 August 2020 (day P, inferred). Arabic is kept as written.
 */

export const P = PUBLICATION_DAY;
/** The analyst records the report on the afternoon of P. */
export const NOW = new Date('2020-08-08T15:00:00Z');
export { P_INFERRED };

/** The demo's incident ids, so fixtures and the recorded demo name the same incidents. */
export const IDS = {
  ...WORKED_EXAMPLE_IDS,
  northPress: '5d1c48a4-0002-4000-8000-000000000001',
  enabBaladi: '5d1c48a4-0002-4000-8000-000000000002',
  alHaflRegistry: '5d1c48a4-0003-4000-8000-000000000001',
} as const;

export const AKIDAT = 'عشيرة العكيدات';
export const AL_HAFL = 'الشيخ مطشر الهفل';
export const AL_KHALAF = 'دعار الخلف';
export const COALITION = 'التحالف الدولي لمحاربة تنظيم "الدولة الإسلامية"';
export const CAGGINS = 'العقيد مايلز كاكينز';

export const northPress = (access: Source['access'] = 'relayed', id: string = IDS.northPress): Source => ({
  id,
  outlet: 'نورث برس',
  reporter: 'هوشنك حسن',
  publishedOn: P,
  language: 'ar',
  access,
  medium: 'web',
});

export const enabBaladi = (): Source => ({
  id: IDS.enabBaladi,
  outlet: 'عنب بلدي',
  url: 'https://www.enabbaladi.net/archives/409856',
  language: 'ar',
  access: 'relayed',
});

export const EASTERN_COUNTRYSIDE: Place = {
  name: 'ريف دير الزور الشرقي',
  countryCode: 'SY',
  admin1: 'SY09',
  precision: 'region',
};

export const BAGHOUZ: Place = {
  name: 'الباغوز',
  countryCode: 'SY',
  admin1: 'SY09',
  admin2: 'SY0902',
  latitude: 34.43221,
  longitude: 40.99226,
  precision: 'locality',
};

/** Incident 1 as the analyst enters it: `to` left for the decider to derive from the week. */
export const recordAssassination = (overrides: Partial<RecordIncident['data']> = {}): RecordIncident => ({
  type: 'RecordIncident',
  data: {
    id: IDS.assassination,
    category: 'assassination',
    title: { text: 'اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف', language: 'ar' },
    summary: {
      text: 'اغتيال الشيخ مطشر الهفل، من وجهاء عشيرة العكيدات، وقريبه دعار الخلف في ريف دير الزور الشرقي. الفاعل مجهول.',
      language: 'ar',
    },
    translations: [
      { language: 'en', title: "Assassination of Sheikh Mutashar al-Hafl and his relative Da'ar al-Khalaf" },
    ],
    occurred: { from: '2020-07-26', precision: 'week', note: `Before the tribe's demand "last week". ${P_INFERRED}` },
    place: EASTERN_COUNTRYSIDE,
    actors: [
      { name: AL_HAFL, role: 'victim', affiliation: AKIDAT },
      { name: AL_KHALAF, role: 'victim', affiliation: AKIDAT, note: 'relative of al-Hafl' },
    ],
    fatalities: { low: 2, best: 2, high: 2 },
    sources: [northPress()],
    tags: ['tribal-notables'],
    notes: 'Perpetrator unknown.',
    ...overrides,
  },
});

/** What the decider makes of recordAssassination(): the event every later test starts from. */
export const assassinationRecorded = (): IncidentRecorded => {
  const { data } = recordAssassination();
  return {
    type: 'incident.recorded',
    data: {
      ...data,
      translations: data.translations!,
      occurred: { ...data.occurred, to: '2020-08-01' },
      related: [],
      tags: ['tribal-notables'],
    },
  };
};

/** Incident 8: background reported in passing, a month's precision. */
export const recordBaghouz = (): RecordIncident => ({
  type: 'RecordIncident',
  data: {
    id: IDS.baghouz,
    category: 'territory_taken',
    title: { text: 'قوات سوريا الديمقراطية تعلن السيطرة على الباغوز، آخر جيوب تنظيم "الدولة الإسلامية"', language: 'ar' },
    occurred: { from: '2019-03-01', precision: 'month', note: '"In March of last year", relative to P.' },
    place: BAGHOUZ,
    actors: [
      { name: 'قوات سوريا الديمقراطية', role: 'perpetrator' },
      { name: 'تنظيم "الدولة الإسلامية"', role: 'target' },
    ],
    sources: [northPress()],
  },
});

/** Incident 5: Caggins speaking for the Coalition, quoted verbatim with a translation. */
export const recordStatement = (): RecordIncident => ({
  type: 'RecordIncident',
  data: {
    id: IDS.statement,
    category: 'statement',
    title: { text: 'التحالف الدولي: نعمل مع شركائنا لمحاسبة مرتكبي "الأعمال الإرهابية البشعة" بدير الزور', language: 'ar' },
    occurred: { from: P, precision: 'day', note: P_INFERRED },
    place: { name: 'دير الزور', countryCode: 'SY', admin1: 'SY09', precision: 'governorate' },
    actors: [
      { name: CAGGINS, role: 'speaker' },
      { name: COALITION, role: 'on_behalf_of' },
    ],
    sources: [
      {
        ...northPress('first_hand'),
        quote: { text: 'نعمل مع شركائنا لضمان محاسبة مرتكبي هذه الأعمال الإرهابية البشعة', language: 'ar' },
        quoteTranslations: [
          {
            text: 'We work with our partners to ensure the perpetrators of these heinous terrorist acts are held accountable.',
            language: 'en',
          },
        ],
        reliability: 'B',
        credibility: 2,
      },
    ],
    related: [
      { incidentId: IDS.assassination, relation: 'refers_to' },
      { incidentId: IDS.pattern, relation: 'refers_to' },
    ],
  },
});
