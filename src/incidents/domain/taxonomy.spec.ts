import { describe, expect, it } from '@jest/globals';
import { CATEGORY_TAXONOMY, INCIDENT_CATEGORIES, isIncidentCategory } from './taxonomy.js';

const ACLED_DISORDER_TYPES = ['Political violence', 'Demonstrations', 'Strategic developments'];
const ACLED_EVENT_TYPES = [
  'Battles',
  'Explosions/Remote violence',
  'Violence against civilians',
  'Protests',
  'Riots',
  'Strategic developments',
];

describe('the category taxonomy', () => {
  it('defines every category, and only those', () => {
    expect(Object.keys(CATEGORY_TAXONOMY).sort()).toEqual([...INCIDENT_CATEGORIES].sort());
  });

  it.each(INCIDENT_CATEGORIES.map((category) => [category, CATEGORY_TAXONOMY[category]] as const))(
    '%s uses real ACLED types and CAMEO codes',
    (_, definition) => {
      expect(definition.label).not.toBe('');
      if (definition.acled) {
        expect(ACLED_DISORDER_TYPES).toContain(definition.acled.disorderType);
        expect(ACLED_EVENT_TYPES).toContain(definition.acled.eventType);
      }
      if (definition.cameo) expect(definition.cameo).toMatch(/^(0[1-9]|1[0-9]|20)[0-9]{0,2}$/);
    },
  );

  it('files the worked example assassination as ACLED violence against civilians and CAMEO 186', () => {
    expect(CATEGORY_TAXONOMY.assassination).toEqual({
      label: 'Assassination',
      kind: 'violent',
      acled: { disorderType: 'Political violence', eventType: 'Violence against civilians', subEventType: 'Attack' },
      cameo: '186',
    });
  });

  it('files the Baghouz take-over as ACLED "Battles / Non-state actor overtakes territory"', () => {
    expect(CATEGORY_TAXONOMY.territory_taken.acled).toEqual({
      disorderType: 'Political violence',
      eventType: 'Battles',
      subEventType: 'Non-state actor overtakes territory',
    });
  });

  it('gives speech CAMEO codes only, with their leading zeros', () => {
    expect(CATEGORY_TAXONOMY.statement).toMatchObject({ kind: 'verbal', cameo: '010' });
    expect(CATEGORY_TAXONOMY.statement.acled).toBeUndefined();
    expect(CATEGORY_TAXONOMY.accusation.cameo).toBe('112');
    expect(CATEGORY_TAXONOMY.meeting.cameo).toBe('04');
  });

  it('recognises category keys', () => {
    expect(isIncidentCategory('riot')).toBe(true);
    expect(isIncidentCategory('massacre-ish')).toBe(false);
    expect(isIncidentCategory(undefined)).toBe(false);
  });
});
