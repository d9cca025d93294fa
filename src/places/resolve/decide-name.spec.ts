import { describe, expect, it } from '@jest/globals';
import { decideName, type NameCandidate } from './decide-name.js';

const unit = (pcode: string, lineage: string[], score: number, kind = 'primary'): NameCandidate => ({
  pcode,
  level: (lineage.length - 1) as NameCandidate['level'],
  countryCode: 'SY',
  nameEn: pcode,
  lineage,
  matchedName: { value: pcode, language: 'en', kind },
  matchedPcode: pcode,
  score,
});

const governorate = unit('SY09', ['SY', 'SY09'], 1);
const district = unit('SY0901', ['SY', 'SY09', 'SY0901'], 1);
const subdistrict = unit('SY090100', ['SY', 'SY09', 'SY0901', 'SY090100'], 1);
const elsewhere = unit('SY0501', ['SY', 'SY05', 'SY0501'], 1);

describe('decideName', () => {
  it('resolves a confident match that beats the next unit by the clear margin', () => {
    const runnerUp = unit('SY0502', ['SY', 'SY05', 'SY0502'], 0.9);
    expect(decideName('x', [elsewhere, runnerUp])).toEqual({ status: 'resolved', unit: elsewhere, runnerUp });
  });

  it('does not resolve two units of different lines tied within the margin', () => {
    const close = { ...elsewhere, score: 0.96 };
    expect(decideName('x', [governorate, close])).toMatchObject({ status: 'unresolved', candidates: [governorate, close] });
  });

  it('resolves units tied on one line of descent to the shallowest, whatever their order', () => {
    expect(decideName('x', [subdistrict, district, governorate])).toMatchObject({ status: 'resolved', unit: governorate, runnerUp: subdistrict });
  });

  it('does not resolve a best match below the confident score', () => {
    expect(decideName('x', [{ ...elsewhere, score: 0.84 }])).toMatchObject({ status: 'unresolved', reason: expect.stringMatching(/only similar/) });
  });

  it('does not resolve without candidates', () => {
    expect(decideName('x', [])).toEqual({ status: 'unresolved', reason: 'No unit has a name like "x"', candidates: [] });
  });
});
