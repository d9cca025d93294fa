import { describe, expect, it } from '@jest/globals';
import { distanceKm, locate, withinBounds, type LocatedUnit } from './coordinates.js';

const unit = (pcode: string, lineage: string[], leaf: boolean, latitude: number, longitude: number): LocatedUnit => ({
  pcode,
  level: (lineage.length - 1) as LocatedUnit['level'],
  nameEn: pcode,
  lineage,
  leaf,
  latitude,
  longitude,
});

// Two governorates a degree apart, each with one district and two subdistricts.
const units = [
  unit('XA01', ['XA', 'XA01'], false, 10, 20),
  unit('XA0101', ['XA', 'XA01', 'XA0101'], false, 10.1, 20.1),
  unit('XA010100', ['XA', 'XA01', 'XA0101', 'XA010100'], true, 10, 20.2),
  unit('XA010101', ['XA', 'XA01', 'XA0101', 'XA010101'], true, 10.2, 20),
  unit('XA02', ['XA', 'XA02'], false, 11, 21),
  unit('XA0201', ['XA', 'XA02', 'XA0201'], false, 11.1, 21.1),
  unit('XA020100', ['XA', 'XA02', 'XA0201', 'XA020100'], true, 11, 21.2),
  unit('XA020101', ['XA', 'XA02', 'XA0201', 'XA020101'], true, 11.2, 21),
];

describe('locate', () => {
  it('places a point at the nearest leaf centroid, with d₂/(d₁+d₂) as confidence', () => {
    const location = locate(units, { latitude: 10, longitude: 20.19 });
    expect(location).toMatchObject({ kind: 'nearest', nearest: { pcode: 'XA010100' }, runnerUp: { unit: { pcode: 'XA010101' } } });
    if (location?.kind !== 'nearest') throw new Error('not placed');
    expect(location.confidence).toBeCloseTo(location.runnerUp!.distanceKm / (location.distanceKm + location.runnerUp!.distanceKm));
    expect(location.confidence).toBeGreaterThan(0.9);
  });

  it('says when the nearest leaf is outside the unit the point should be in', () => {
    expect(locate(units, { latitude: 11, longitude: 21.19 }, { within: 'XA01' })).toMatchObject({ kind: 'outside', nearest: { pcode: 'XA020100' } });
  });

  it("takes a point on a unit's centroid for that unit, the shallowest such, and no deeper", () => {
    expect(locate(units, { latitude: 11.0001, longitude: 21 })).toMatchObject({ kind: 'centroid', unit: { pcode: 'XA02' } });
    expect(locate(units, { latitude: 11.1, longitude: 21.1 }, { within: 'XA02' })).toMatchObject({ kind: 'centroid', unit: { pcode: 'XA0201' } });
    expect(locate(units, { latitude: 10, longitude: 20 }, { within: 'XA0101' })).toMatchObject({ kind: 'no-finer', unit: { pcode: 'XA01' } });
  });
});

describe('distances and bounds', () => {
  it('measures great-circle kilometres', () => {
    // One degree of latitude is about 111.2 km.
    expect(distanceKm({ latitude: 10, longitude: 20 }, { latitude: 11, longitude: 20 })).toBeCloseTo(111.2, 0);
  });

  it('keeps to the box, edges included', () => {
    const box = { minLatitude: 32.3, maxLatitude: 37.35, minLongitude: 35.6, maxLongitude: 42.4 };
    expect(withinBounds(box, { latitude: 34.43221, longitude: 40.99226 })).toBe(true);
    expect(withinBounds(box, { latitude: 32.3, longitude: 42.4 })).toBe(true);
    expect(withinBounds(box, { latitude: 33.31, longitude: 44.36 })).toBe(false);
  });
});
