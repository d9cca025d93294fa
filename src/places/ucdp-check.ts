import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import type { Gazetteer } from './gazetteer.js';
import { REFERENCE_DATA_DIR } from './load/load-places.js';
import { resolvePlace, type PlaceResolution } from './resolve/place-resolver.js';

/**
 * The resolver measured on real data: UCDP GED events in Deir ez-Zor (2016–2019), whose units
 * UCDP spells its own way ("Deir ez Zor Governorate", "Albu Kamal district"). The ground truth is a
 * person's reading of UCDP's names, written down here rather than derived from the resolver.
 */
export const UCDP_GOVERNORATE_TRUTH: Readonly<Record<string, string>> = { 'Deir ez Zor Governorate': 'SY09' };
export const UCDP_DISTRICT_TRUTH: Readonly<Record<string, string>> = {
  'Deir ez Zor district': 'SY0901',
  'Albu Kamal district': 'SY0902',
  'Al Mayadin district': 'SY0903',
};

export const UCDP_SAMPLE = join(REFERENCE_DATA_DIR, 'ucdp', 'ged-syria-deir-ez-zor-2016-2019.csv');

interface UcdpEvent {
  adm_1: string;
  adm_2: string;
  latitude: string;
  longitude: string;
}

export interface Share {
  right: number;
  of: number;
}

export interface UcdpReport {
  events: number;
  /** adm_1 resolved, by name alone, to the governorate of the ground truth. */
  governorates: Share;
  /** Of the events with an adm_2: adm_1 right, and adm_2 (resolved within it, at level 2) right too. */
  districts: Share;
  /** Each distinct adm_2 name: what it resolved to, and for how many events. */
  districtNames: { adm2: string; events: number; truth?: string; pcode?: string; method: string }[];
  /** Events without an adm_2: the district their coordinates put them in, if any (adm_1 as the name). */
  withoutDistrict: { events: number; byCoordinates: Record<string, number> };
  /** Events with an adm_2: how often the coordinates alone (within adm_1) give its district. */
  coordinatesAlone: Share;
}

export async function checkUcdp(gazetteer: Gazetteer, csv: string): Promise<UcdpReport> {
  const events: UcdpEvent[] = parse(csv, { columns: true, skip_empty_lines: true });
  // Many events share their names and coordinates: resolve each distinct input once.
  const memo = new Map<string, Promise<PlaceResolution>>();
  const resolve = (input: Parameters<typeof resolvePlace>[1]) => {
    const key = JSON.stringify(input);
    if (!memo.has(key)) memo.set(key, resolvePlace(gazetteer, input));
    return memo.get(key)!;
  };

  const report: UcdpReport = {
    events: events.length,
    governorates: { right: 0, of: events.length },
    districts: { right: 0, of: 0 },
    districtNames: [],
    withoutDistrict: { events: 0, byCoordinates: {} },
    coordinatesAlone: { right: 0, of: 0 },
  };
  const names = new Map<string, UcdpReport['districtNames'][number]>();
  for (const event of events) {
    const governorate = await resolve({ name: event.adm_1 });
    const governorateRight = governorate.pcode !== undefined && governorate.pcode === UCDP_GOVERNORATE_TRUTH[event.adm_1];
    if (governorateRight) report.governorates.right += 1;
    // The governorate by name, taken deeper by the coordinates; its district is on the path.
    const byCoordinates = await resolve({ name: event.adm_1, latitude: Number(event.latitude), longitude: Number(event.longitude) });

    if (!event.adm_2) {
      report.withoutDistrict.events += 1;
      const key = byCoordinates.path.admin2 ?? `${byCoordinates.pcode ?? 'unresolved'} (no district)`;
      report.withoutDistrict.byCoordinates[key] = (report.withoutDistrict.byCoordinates[key] ?? 0) + 1;
      continue;
    }
    const truth = UCDP_DISTRICT_TRUTH[event.adm_2];
    const district = await resolve({ name: event.adm_2, parents: [governorate.pcode ?? event.adm_1], level: 2 });
    report.districts.of += 1;
    if (governorateRight && truth !== undefined && district.pcode === truth) report.districts.right += 1;
    report.coordinatesAlone.of += 1;
    if (truth !== undefined && byCoordinates.path.admin2 === truth) report.coordinatesAlone.right += 1;
    const entry = names.get(event.adm_2) ?? { adm2: event.adm_2, events: 0, truth, pcode: district.pcode, method: district.method };
    entry.events += 1;
    names.set(event.adm_2, entry);
  }
  report.districtNames = [...names.values()].sort((a, b) => b.events - a.events);
  return report;
}

export const GOALS = { governorates: 1, districts: 0.95 } as const;

export function shareOf({ right, of }: Share): number {
  return of === 0 ? 0 : right / of;
}

export function formatUcdpReport(report: UcdpReport): string {
  const percent = (share: Share) => `${share.right} / ${share.of} = ${(100 * shareOf(share)).toFixed(1)} %`;
  const goal = (share: Share, target: number) => (shareOf(share) >= target ? 'goal met' : 'GOAL MISSED');
  const all = { right: report.districts.right, of: report.events };
  return [
    `UCDP GED events: ${report.events}`,
    `adm_1 resolves to the right governorate: ${percent(report.governorates)} (${goal(report.governorates, GOALS.governorates)}: 100 %)`,
    `adm_2 resolves to the right district:    ${percent(report.districts)} of the events with an adm_2 ` +
      `(${goal(report.districts, GOALS.districts)}: 95 %; ${percent(all)} of all events)`,
    ...report.districtNames.map(
      (name) => `  "${name.adm2}" (${name.events} events) → ${name.pcode ?? 'unresolved'} by ${name.method}` +
        `${name.truth === undefined ? ' (no ground truth)' : name.pcode === name.truth ? '' : `, should be ${name.truth}`}`,
    ),
    `events without an adm_2: ${report.withoutDistrict.events}; their coordinates give: ` +
      Object.entries(report.withoutDistrict.byCoordinates)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([pcode, count]) => `${pcode} ${count}`)
        .join(', '),
    `coordinates alone (nearest centroid within adm_1) give the right district: ${percent(report.coordinatesAlone)}`,
  ].join('\n');
}
