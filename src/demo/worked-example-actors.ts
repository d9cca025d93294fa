import type { ActorName, RegisterActor } from '../actors/domain/index.js';

/**
 * The actors of the worked example's report, as the registry holds them: every name in Arabic as
 * written, with the English names and spellings analysts use. Registered parents first; the ids
 * are fixed so the demo can be run again.
 */
export const WORKED_EXAMPLE_ACTOR_IDS = {
  coalition: '5d1c48a4-0003-4000-8000-000000000001',
  caggins: '5d1c48a4-0003-4000-8000-000000000002',
  usState: '5d1c48a4-0003-4000-8000-000000000003',
  sdf: '5d1c48a4-0003-4000-8000-000000000004',
  sdfCommand: '5d1c48a4-0003-4000-8000-000000000005',
  akidat: '5d1c48a4-0003-4000-8000-000000000006',
  alHafl: '5d1c48a4-0003-4000-8000-000000000007',
  alKhalaf: '5d1c48a4-0003-4000-8000-000000000008',
  turkey: '5d1c48a4-0003-4000-8000-000000000009',
  syriaGov: '5d1c48a4-0003-4000-8000-000000000010',
  isis: '5d1c48a4-0003-4000-8000-000000000011',
  civilAdmin: '5d1c48a4-0003-4000-8000-000000000012',
  northPress: '5d1c48a4-0003-4000-8000-000000000013',
} as const;

const ids = WORKED_EXAMPLE_ACTOR_IDS;

const ar = (value: string, kind: ActorName['kind'] = 'primary'): ActorName => ({ value, language: 'ar', kind });
const en = (value: string, kind: ActorName['kind'] = 'primary'): ActorName => ({ value, language: 'en', kind });

const register = (data: RegisterActor['data']): RegisterActor => ({ type: 'RegisterActor', data });

export const WORKED_EXAMPLE_ACTORS: RegisterActor[] = [
  register({
    id: ids.coalition,
    kind: 'international_coalition',
    acledInter: 8,
    names: [
      ar('التحالف الدولي لمحاربة تنظيم "الدولة الإسلامية"'),
      ar('التحالف الدولي', 'alias'),
      en('Global Coalition against ISIS'),
      en('CJTF-OIR', 'abbreviation'),
      en('Combined Joint Task Force – Operation Inherent Resolve', 'alias'),
      en('the Coalition', 'alias'),
    ],
  }),
  register({
    id: ids.caggins,
    kind: 'person',
    names: [ar('العقيد مايلز كاكينز'), en('Col. Myles Caggins')],
    parent: { actorId: ids.coalition, relation: 'spokesperson_of', title: 'colonel' },
  }),
  register({
    id: ids.usState,
    kind: 'government_body',
    acledInter: 8,
    names: [ar('وزارة الخارجية الأمريكية'), en('US Department of State'), en('State Department', 'alias')],
  }),
  register({
    id: ids.sdf,
    kind: 'armed_group',
    acledInter: 2,
    names: [ar('قوات سوريا الديمقراطية'), ar('قسد', 'abbreviation'), en('Syrian Democratic Forces'), en('SDF', 'abbreviation')],
  }),
  register({
    id: ids.sdfCommand,
    kind: 'armed_group',
    acledInter: 2,
    names: [ar('القيادة العامة لقوات سوريا الديمقراطية'), en('SDF General Command')],
    parent: { actorId: ids.sdf, relation: 'part_of' },
  }),
  register({
    id: ids.akidat,
    kind: 'tribe',
    acledInter: 4,
    names: [
      ar('عشيرة العكيدات'),
      en('Al-Akidat'),
      en('Al-Egaidat', 'transliteration'),
      en('Aqeedat', 'transliteration'),
    ],
  }),
  register({
    id: ids.alHafl,
    kind: 'person',
    names: [ar('الشيخ مطشر الهفل'), en('Sheikh Mutashar al-Hafl')],
    parent: { actorId: ids.akidat, relation: 'leader_of', title: 'sheikh' },
  }),
  register({
    id: ids.alKhalaf,
    kind: 'person',
    names: [ar('دعار الخلف'), en("Da'ar al-Khalaf")],
    parent: { actorId: ids.akidat, relation: 'member_of' },
  }),
  register({ id: ids.turkey, kind: 'state', acledInter: 8, names: [ar('تركيا'), en('Turkey'), en('Türkiye', 'alias')] }),
  register({
    id: ids.syriaGov,
    kind: 'state',
    acledInter: 1,
    names: [ar('الحكومة السورية'), en('Syrian government'), en('Government of Syria', 'alias')],
  }),
  register({
    id: ids.isis,
    kind: 'armed_group',
    acledInter: 2,
    names: [
      ar('تنظيم "الدولة الإسلامية"'),
      ar('داعش', 'alias'),
      en('Islamic State'),
      en('ISIS', 'abbreviation'),
      en('ISIL', 'abbreviation'),
      en('Daesh', 'transliteration'),
    ],
  }),
  register({
    id: ids.civilAdmin,
    kind: 'civil_authority',
    names: [ar('الإدارة المدنية'), en('Deir ez-Zor Civil Council'), en('the civil administration', 'alias')],
  }),
  register({
    id: ids.northPress,
    kind: 'media_outlet',
    names: [ar('نورث برس'), en('North Press Agency'), en('North Press', 'alias')],
  }),
];
