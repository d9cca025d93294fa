import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { Gazetteer } from '../../src/places/gazetteer.js';
import { checkUcdp, GOALS, shareOf, UCDP_DISTRICT_TRUTH, UCDP_SAMPLE, type UcdpReport } from '../../src/places/ucdp-check.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The resolver on 2,115 real events: UCDP GED, Deir ez-Zor, 2016–2019 (CC BY 4.0; Sundberg &
 * Melander 2013, Högbladh 2019). What `npm run cli -- places check-ucdp` prints.
 */
let db: TestDatabase;
let report: UcdpReport;
beforeAll(async () => {
  db = await openTestDatabase();
  report = await checkUcdp(new Gazetteer(db.pool, { memoize: true }), await readFile(UCDP_SAMPLE, 'utf8'));
});
afterAll(() => db.close());

describe('UCDP GED events in Deir ez-Zor', () => {
  it('are all read, quoted newlines and all', () => {
    expect(report.events).toBe(2115);
  });

  it('resolve adm_1 to SY09 for every event (goal: 100 %)', () => {
    expect(report.governorates).toEqual({ right: 2115, of: 2115 });
    expect(shareOf(report.governorates)).toBeGreaterThanOrEqual(GOALS.governorates);
  });

  it('resolve adm_2 to the right district for at least 95 % of the events that have one', () => {
    expect(report.districts.of).toBe(2115 - 113);
    expect(shareOf(report.districts)).toBeGreaterThanOrEqual(GOALS.districts);
  });

  it("resolve each of UCDP's district names to the district a person reads in it", () => {
    expect(report.districtNames.map(({ adm2, pcode, events }) => [adm2, pcode, events])).toEqual([
      ['Deir ez Zor district', UCDP_DISTRICT_TRUTH['Deir ez Zor district'], 899],
      ['Albu Kamal district', UCDP_DISTRICT_TRUTH['Albu Kamal district'], 710],
      ['Al Mayadin district', UCDP_DISTRICT_TRUTH['Al Mayadin district'], 393],
    ]);
  });

  it('without an adm_2 stay in the governorate when their coordinates are its centroid', () => {
    // 85 events known only to the governorate carry its centroid (where_prec 4).
    expect(report.withoutDistrict.events).toBe(113);
    expect(report.withoutDistrict.byCoordinates['SY09 (no district)']).toBeGreaterThanOrEqual(85);
    const placed = Object.entries(report.withoutDistrict.byCoordinates).filter(([key]) => /^SY090\d$/.test(key));
    expect(placed.length).toBeGreaterThan(0);
  });

  it('are placed in the right district by their coordinates alone most of the time, but not always', () => {
    const share = shareOf(report.coordinatesAlone);
    expect(share).toBeGreaterThan(0.9);
    expect(share).toBeLessThan(1);
  });
});
