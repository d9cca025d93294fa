/**
 * The incident categories, each mapped to the conflict-data vocabularies analysts compare against.
 *
 * ACLED values are spelled exactly as ACLED publishes them, so an export can be joined to ACLED
 * data without a lookup table. CAMEO codes are strings because their leading zeros matter
 * ('010' is not '10'). A mapping is left out where no code fits rather than forced.
 */

export const INCIDENT_CATEGORIES = [
  'assassination',
  'attack_on_civilians',
  'abduction',
  'armed_clash',
  'air_or_drone_strike',
  'shelling_artillery_missile',
  'remote_explosive',
  'suicide_bomb',
  'territory_taken',
  'territory_regained',
  'non_violent_territory_transfer',
  'arrest',
  'agreement',
  'protest',
  'riot',
  'statement',
  'accusation',
  'demand',
  'appeal',
  'meeting',
  'threat',
  'other',
] as const;

export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

/**
 * 'verbal' is something said or signed rather than done. That mostly matches CAMEO's verbal quad
 * classes, except that CAMEO counts a protest as verbal; here a street protest is an act ('other').
 */
export type CategoryKind = 'violent' | 'verbal' | 'other';

export interface AcledType {
  disorderType: string;
  eventType: string;
  subEventType: string;
}

export interface CategoryDefinition {
  label: string;
  kind: CategoryKind;
  acled?: AcledType;
  cameo?: string;
}

const acled = (disorderType: string, eventType: string, subEventType: string): AcledType => ({
  disorderType,
  eventType,
  subEventType,
});
const violence = (eventType: string, subEventType: string) => acled('Political violence', eventType, subEventType);
const strategic = (subEventType: string) => acled('Strategic developments', 'Strategic developments', subEventType);

export const CATEGORY_TAXONOMY: Record<IncidentCategory, CategoryDefinition> = {
  assassination: {
    label: 'Assassination',
    kind: 'violent',
    acled: violence('Violence against civilians', 'Attack'),
    cameo: '186',
  },
  attack_on_civilians: {
    label: 'Attack on civilians',
    kind: 'violent',
    acled: violence('Violence against civilians', 'Attack'),
    cameo: '180',
  },
  abduction: {
    label: 'Abduction or forced disappearance',
    kind: 'violent',
    acled: violence('Violence against civilians', 'Abduction/forced disappearance'),
    cameo: '181',
  },
  armed_clash: { label: 'Armed clash', kind: 'violent', acled: violence('Battles', 'Armed clash'), cameo: '190' },
  air_or_drone_strike: {
    label: 'Air or drone strike',
    kind: 'violent',
    acled: violence('Explosions/Remote violence', 'Air/drone strike'),
    cameo: '195',
  },
  shelling_artillery_missile: {
    label: 'Shelling, artillery or missile attack',
    kind: 'violent',
    acled: violence('Explosions/Remote violence', 'Shelling/artillery/missile attack'),
    cameo: '194',
  },
  remote_explosive: {
    label: 'Remote explosive, landmine or IED',
    kind: 'violent',
    acled: violence('Explosions/Remote violence', 'Remote explosive/landmine/IED'),
    cameo: '183',
  },
  suicide_bomb: {
    label: 'Suicide bomb',
    kind: 'violent',
    acled: violence('Explosions/Remote violence', 'Suicide bomb'),
    cameo: '183',
  },
  // CAMEO 192 "Occupy territory" covers a take-over whichever side makes it.
  territory_taken: {
    label: 'Non-state actor takes territory',
    kind: 'violent',
    acled: violence('Battles', 'Non-state actor overtakes territory'),
    cameo: '192',
  },
  territory_regained: {
    label: 'Government regains territory',
    kind: 'violent',
    acled: violence('Battles', 'Government regains territory'),
    cameo: '192',
  },
  non_violent_territory_transfer: {
    label: 'Non-violent transfer of territory',
    kind: 'other',
    acled: strategic('Non-violent transfer of territory'),
  },
  arrest: { label: 'Arrest', kind: 'other', acled: strategic('Arrests'), cameo: '173' },
  agreement: { label: 'Agreement', kind: 'verbal', acled: strategic('Agreement'), cameo: '057' },
  protest: {
    label: 'Peaceful protest',
    kind: 'other',
    acled: acled('Demonstrations', 'Protests', 'Peaceful protest'),
    cameo: '14',
  },
  riot: {
    label: 'Riot (violent demonstration)',
    kind: 'violent',
    acled: acled('Demonstrations', 'Riots', 'Violent demonstration'),
    cameo: '145',
  },
  // ACLED does not code speech, so the verbal categories carry CAMEO only.
  statement: { label: 'Statement', kind: 'verbal', cameo: '010' },
  accusation: { label: 'Accusation', kind: 'verbal', cameo: '112' },
  demand: { label: 'Demand', kind: 'verbal', cameo: '10' },
  appeal: { label: 'Appeal', kind: 'verbal', cameo: '02' },
  meeting: { label: 'Meeting', kind: 'verbal', cameo: '04' },
  threat: { label: 'Threat', kind: 'verbal', cameo: '13' },
  other: { label: 'Other', kind: 'other' },
};

export function isIncidentCategory(value: unknown): value is IncidentCategory {
  return typeof value === 'string' && (INCIDENT_CATEGORIES as readonly string[]).includes(value);
}
