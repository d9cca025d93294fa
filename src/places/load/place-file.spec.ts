import { describe, expect, it } from '@jest/globals';
import { placeRows, type SourceUnit } from './place-file.js';

const country = { code: 'XA', nameEn: 'Example', bounds: { minLatitude: 0, maxLatitude: 1, minLongitude: 0, maxLongitude: 1 } };
const unit = (id: string, pcode: string, links: Partial<SourceUnit> = {}): SourceUnit => ({
  id,
  name: { en: id },
  externalIds: { ochaPcode: pcode },
  ...links,
});

describe('placeRows', () => {
  it('infers levels from the links, whatever the order, and builds each lineage', () => {
    const rows = placeRows(country, [
      unit('sub', 'XA0101', { governorateId: 'gov', districtId: 'dis' }),
      unit('dis', 'XA01', { governorateId: 'gov' }),
      unit('gov', 'XA1'),
    ]);
    expect(rows.map(({ pcode, level, parentPcode, lineage }) => ({ pcode, level, parentPcode, lineage }))).toEqual([
      { pcode: 'XA', level: 0, parentPcode: null, lineage: ['XA'] },
      { pcode: 'XA1', level: 1, parentPcode: 'XA', lineage: ['XA', 'XA1'] },
      { pcode: 'XA01', level: 2, parentPcode: 'XA1', lineage: ['XA', 'XA1', 'XA01'] },
      { pcode: 'XA0101', level: 3, parentPcode: 'XA01', lineage: ['XA', 'XA1', 'XA01', 'XA0101'] },
    ]);
  });

  it('keeps each name once, the primary kind first', () => {
    const [, row] = placeRows(country, [
      { ...unit('gov', 'XA1'), name: { en: 'Nahr', ar: 'النهر' }, aliases: [{ value: 'Nahr', language: 'en', type: 'alias' }, { value: 'Nahr Province', language: 'en', type: 'formal' }] },
    ]);
    expect(row!.names).toEqual([
      { value: 'Nahr', language: 'en', kind: 'primary' },
      { value: 'النهر', language: 'ar', kind: 'primary' },
      { value: 'Nahr Province', language: 'en', kind: 'formal' },
    ]);
  });

  it.each([
    [[unit('a', 'XA1'), unit('a', 'XA2')], 'Unit a appears twice'],
    [[unit('a', 'XA1'), unit('b', 'XA1')], 'P-code XA1 is given to two units'],
    [[unit('a', 'SY09')], 'Unit a: p-code SY09 does not start with the country code XA'],
    [[{ ...unit('a', 'XA1'), externalIds: {} }], 'Unit a has no externalIds.ochaPcode'],
    [[unit('a', 'XA01', { governorateId: 'nowhere' })], 'Unit a names nowhere as its parent, which is in none of the files'],
    [[unit('g', 'XA1'), unit('d', 'XA2', { governorateId: 'g' }), unit('s', 'XA3', { governorateId: 'x', districtId: 'd' })], 'Unit s: its district d is not in its governorate x'],
  ])('refuses an inconsistent file (%#)', (units, message) => {
    expect(() => placeRows(country, units as SourceUnit[])).toThrow(message);
  });
});
