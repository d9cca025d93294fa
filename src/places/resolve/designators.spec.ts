import { describe, expect, it } from '@jest/globals';
import { levelNamedBy } from './designators.js';

describe('levelNamedBy', () => {
  it.each([
    ['Deir ez Zor Governorate', 1],
    ['محافظة دير الزور', 1],
    ['Albu Kamal district', 2],
    ['منطقة البوكمال', 2],
    ['Hajin Subdistrict', 3],
    ['Hajin sub-district', 3],
    ['Nāḩiyat Hajīn', 3],
    ['ناحية هجين', 3],
  ])('reads the level in "%s"', (name, level) => {
    expect(levelNamedBy(name)).toBe(level);
  });

  it.each(['Deir ez-Zor', 'دير الزور', 'Districtville'])('finds none in "%s"', (name) => {
    expect(levelNamedBy(name)).toBeUndefined();
  });
});
