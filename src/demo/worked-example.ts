import type { IncidentCommand, RecordIncident } from '../incidents/domain/index.js';

export interface DemoStep {
  incidentId: string;
  command: IncidentCommand;
}

const record = (data: RecordIncident['data']): DemoStep => ({
  incidentId: data.id,
  command: { type: 'RecordIncident', data },
});

/**
 * The eight incidents of one real report (North Press Agency, reporter Hoshang Hasan, published
 * on Saturday 8 August 2020), as an analyst records them: see the worked example in the
 * project's domain notes. Arabic is kept as written. The ids are fixed so the demo is idempotent.
 */
export const PUBLICATION_DAY = '2020-08-08';

export const WORKED_EXAMPLE_IDS = {
  assassination: '5d1c48a4-0001-4000-8000-000000000001',
  pattern: '5d1c48a4-0001-4000-8000-000000000002',
  demand: '5d1c48a4-0001-4000-8000-000000000003',
  meeting: '5d1c48a4-0001-4000-8000-000000000004',
  statement: '5d1c48a4-0001-4000-8000-000000000005',
  accusation: '5d1c48a4-0001-4000-8000-000000000006',
  tweet: '5d1c48a4-0001-4000-8000-000000000007',
  baghouz: '5d1c48a4-0001-4000-8000-000000000008',
} as const;

const ids = WORKED_EXAMPLE_IDS;
export const P_INFERRED = 'The report gives no calendar date; publication day P inferred as Saturday 2020-08-08.';

const northPress = (n: number, access: 'first_hand' | 'relayed') => ({
  id: `5d1c48a4-0002-4000-8000-00000000000${n}`,
  outlet: 'نورث برس',
  reporter: 'هوشنك حسن',
  publishedOn: PUBLICATION_DAY,
  language: 'ar',
  access,
  medium: 'web',
});

const easternCountryside = {
  name: 'ريف دير الزور الشرقي',
  countryCode: 'SY',
  admin1: 'SY09',
  precision: 'region' as const,
};
const deirEzZor = { name: 'دير الزور', countryCode: 'SY', admin1: 'SY09', precision: 'governorate' as const };

const coalition = 'التحالف الدولي لمحاربة تنظيم "الدولة الإسلامية"';
const caggins = 'العقيد مايلز كاكينز';
const akidat = 'عشيرة العكيدات';
const sdf = 'قوات سوريا الديمقراطية';

export const WORKED_EXAMPLE: DemoStep[] = [
  record({
    id: ids.assassination,
    category: 'assassination',
    title: { text: 'اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف', language: 'ar' },
    summary: {
      text: 'اغتيال الشيخ مطشر الهفل، من وجهاء عشيرة العكيدات، وقريبه دعار الخلف في ريف دير الزور الشرقي. الفاعل مجهول.',
      language: 'ar',
    },
    translations: [
      {
        language: 'en',
        title: "Assassination of Sheikh Mutashar al-Hafl and his relative Da'ar al-Khalaf",
        summary: 'Sheikh Mutashar al-Hafl of the Akidat tribe and his relative were killed; perpetrator unknown.',
      },
    ],
    occurred: { from: '2020-07-26', to: '2020-08-01', precision: 'week', note: `Before the tribe's demand "last week". ${P_INFERRED}` },
    place: easternCountryside,
    actors: [
      { name: 'الشيخ مطشر الهفل', role: 'victim', affiliation: akidat },
      { name: 'دعار الخلف', role: 'victim', affiliation: akidat, note: 'relative of al-Hafl' },
    ],
    fatalities: { low: 2, best: 2, high: 2 },
    sources: [northPress(1, 'relayed')],
    tags: ['tribal-notables'],
    notes: 'Perpetrator unknown. ACLED: Violence against civilians / Attack; CAMEO 186.',
  }),
  record({
    id: ids.pattern,
    category: 'assassination',
    title: { text: 'عمليات اغتيال طالت وجهاء عشائر وقيادات وعناصر من قوات سوريا الديمقراطية', language: 'ar' },
    translations: [
      { language: 'en', title: 'Assassinations of tribal notables and SDF commanders and members in eastern Deir ez-Zor' },
    ],
    occurred: { from: '2020-07-01', to: PUBLICATION_DAY, precision: 'month', note: `"Recently". ${P_INFERRED}` },
    place: easternCountryside,
    actors: [
      { name: 'وجهاء عشائر من دير الزور', role: 'target', affiliation: akidat },
      { name: sdf, role: 'target' },
    ],
    sources: [northPress(2, 'relayed')],
    tags: ['pattern', 'tribal-notables'],
    notes: 'A summary of several killings, not one event: count and dates are imprecise.',
  }),
  record({
    id: ids.demand,
    category: 'demand',
    title: { text: 'عشيرة العكيدات تطالب التحالف الدولي بالتحقيق في اغتيال الشيخ مطشر الهفل', language: 'ar' },
    translations: [
      { language: 'en', title: 'The Akidat tribe demands that the Coalition investigate the killing of al-Hafl and al-Khalaf' },
    ],
    occurred: { from: '2020-07-26', to: '2020-08-01', precision: 'week', note: `"Last week". ${P_INFERRED}` },
    place: easternCountryside,
    actors: [
      { name: akidat, role: 'speaker' },
      { name: coalition, role: 'addressee' },
    ],
    sources: [
      {
        ...northPress(3, 'relayed'),
        quote: { text: 'ما يجري في مناطقنا فهو يمثل القوى الفاعلة على الأرض', language: 'ar' },
      },
    ],
    related: [{ incidentId: ids.assassination, relation: 'refers_to' }],
    notes: 'The tribe held the Coalition fully responsible "for what happens in our areas". CAMEO 10 (Demand).',
  }),
  record({
    id: ids.meeting,
    category: 'meeting',
    title: {
      text: 'ممثلون عن وزارة الخارجية الأمريكية والتحالف الدولي يلتقون قيادات من المجتمع المدني وشيوخ العشائر',
      language: 'ar',
    },
    translations: [
      {
        language: 'en',
        title: 'US State Department and Coalition representatives meet civil-society leaders, governing bodies, security forces and tribal sheikhs',
      },
    ],
    occurred: { from: '2020-08-02', to: PUBLICATION_DAY, precision: 'week', note: `"This week". ${P_INFERRED}` },
    place: deirEzZor,
    actors: [
      { name: 'وزارة الخارجية الأمريكية', role: 'participant' },
      { name: coalition, role: 'participant' },
      { name: 'قيادات من المجتمع المدني والهيئات الحاكمة وقوات الأمن وشيوخ العشائر', role: 'participant' },
    ],
    sources: [northPress(4, 'relayed')],
    notes: 'To understand events on the ground. CAMEO 04 (Consult).',
  }),
  record({
    id: ids.statement,
    category: 'statement',
    title: { text: 'التحالف الدولي: نعمل مع شركائنا لمحاسبة مرتكبي "الأعمال الإرهابية البشعة" بدير الزور', language: 'ar' },
    translations: [
      {
        language: 'en',
        title: 'Coalition: we work with our partners to hold the perpetrators of "heinous terrorist acts" in Deir ez-Zor accountable',
      },
    ],
    occurred: { from: PUBLICATION_DAY, precision: 'day', note: P_INFERRED },
    place: deirEzZor,
    actors: [
      { name: caggins, role: 'speaker' },
      { name: coalition, role: 'on_behalf_of' },
    ],
    sources: [
      {
        ...northPress(5, 'first_hand'),
        quote: { text: 'نعمل مع شركائنا لضمان محاسبة مرتكبي هذه الأعمال الإرهابية البشعة', language: 'ar' },
        quoteTranslations: [
          {
            text: 'We work with our partners to ensure the perpetrators of these heinous terrorist acts are held accountable.',
            language: 'en',
          },
        ],
      },
    ],
    related: [
      { incidentId: ids.assassination, relation: 'refers_to' },
      { incidentId: ids.pattern, relation: 'refers_to' },
    ],
    notes: 'Said to North Press. Long-term stability requires trust between security forces and the local community.',
  }),
  record({
    id: ids.accusation,
    category: 'accusation',
    title: { text: 'القيادة العامة لقوات سوريا الديمقراطية تتهم تركيا والحكومة السورية باستهداف السلم الأهلي', language: 'ar' },
    translations: [
      {
        language: 'en',
        title: 'SDF General Command accuses Turkey and the Syrian government of plans to undermine civil peace in eastern Deir ez-Zor',
      },
    ],
    occurred: { from: '2020-08-03', precision: 'day', note: `"Last Monday". ${P_INFERRED}` },
    place: easternCountryside,
    actors: [
      { name: 'القيادة العامة لقوات سوريا الديمقراطية', role: 'accuser' },
      { name: 'تركيا', role: 'accused' },
      { name: 'الحكومة السورية', role: 'accused' },
    ],
    sources: [northPress(6, 'relayed')],
    notes:
      'Long-term plans to undermine civil peace and the relation between the tribes and the civil administration, turning the tribes against the SDF and the Coalition. CAMEO 112.',
  }),
  record({
    id: ids.tweet,
    category: 'statement',
    title: { text: 'كاكينز: التحالف ملتزم بالاستقرار طويل الأمد في دير الزور', language: 'ar' },
    translations: [{ language: 'en', title: 'Caggins tweets that the Coalition is committed to long-term stability in Deir ez-Zor' }],
    occurred: { from: '2020-08-06', precision: 'day', note: `Two days before P. ${P_INFERRED}` },
    place: deirEzZor,
    actors: [
      { name: caggins, role: 'speaker' },
      { name: coalition, role: 'on_behalf_of' },
    ],
    sources: [northPress(7, 'relayed')],
    tags: ['social-media', 'twitter'],
    notes: 'Posted on Twitter; relayed by the report.',
  }),
  record({
    id: ids.baghouz,
    category: 'territory_taken',
    title: { text: 'قوات سوريا الديمقراطية تعلن السيطرة على الباغوز، آخر جيوب تنظيم "الدولة الإسلامية"', language: 'ar' },
    translations: [{ language: 'en', title: 'SDF announces control of Al-Baghouz, the last ISIS pocket in eastern Syria' }],
    occurred: { from: '2019-03-01', precision: 'month', note: '"In March of last year", relative to P.' },
    place: {
      name: 'الباغوز',
      countryCode: 'SY',
      admin1: 'SY09',
      admin2: 'SY0902',
      latitude: 34.43221,
      longitude: 40.99226,
      precision: 'locality',
    },
    actors: [
      { name: sdf, role: 'perpetrator' },
      { name: 'تنظيم "الدولة الإسلامية"', role: 'target' },
    ],
    sources: [northPress(8, 'relayed')],
    notes: 'Background, reported in passing. ACLED: Battles / Non-state actor overtakes territory. Coordinates of Baghuz at-Tahtani (UCDP GED).',
  }),
  {
    incidentId: ids.assassination,
    command: { type: 'LinkIncident', data: { incidentId: ids.pattern, relation: 'part_of' } },
  },
];
