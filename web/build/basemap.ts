import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';

/**
 * The map's background, made at build time so the page needs no tiles and no network: the
 * countries of Natural Earth's 1:50m cut (public domain, through the world-atlas package),
 * clipped to a box around the Levant, Iraq and Turkey and rounded to 0.01° (about 1 km).
 * Points outside the box are still drawn, on a plain background.
 */
export const BASEMAP_BOX = { west: 24, south: 26, east: 56, north: 43 } as const;

type Ring = [number, number][];
export interface BasemapCountry {
  /** ISO 3166-1 numeric code, as Natural Earth gives it. */
  id: string;
  name: string;
  rings: Ring[];
}

const VIRTUAL_ID = 'virtual:basemap';
const RESOLVED_ID = '\0' + VIRTUAL_ID;

export function basemap(): Plugin {
  return {
    name: 'conflict-tracker-basemap',
    resolveId: (id) => (id === VIRTUAL_ID ? RESOLVED_ID : undefined),
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      return `export default ${JSON.stringify(buildBasemap())};`;
    },
  };
}

export function buildBasemap(box = BASEMAP_BOX): BasemapCountry[] {
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8')) as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  const countries = feature(topology, topology.objects.countries);
  const out: BasemapCountry[] = [];
  for (const country of countries.features) {
    const geometry = country.geometry;
    if (!geometry) continue;
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
    const rings: Ring[] = [];
    for (const polygon of polygons) {
      for (const ring of polygon) {
        const clipped = clipRing(ring as Ring, box).map(([x, y]) => [round(x), round(y)] as [number, number]);
        const deduped = clipped.filter((p, i) => i === 0 || p[0] !== clipped[i - 1]![0] || p[1] !== clipped[i - 1]![1]);
        if (deduped.length >= 4) rings.push(deduped);
      }
    }
    if (rings.length) out.push({ id: String(country.id ?? ''), name: country.properties?.name ?? '', rings });
  }
  return out;
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Sutherland–Hodgman: a polygon ring clipped to an axis-aligned box. */
function clipRing(ring: Ring, box: typeof BASEMAP_BOX): Ring {
  type Edge = { inside: (p: [number, number]) => boolean; cut: (a: [number, number], b: [number, number]) => [number, number] };
  const atX = (x: number) => (a: [number, number], b: [number, number]): [number, number] => [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
  const atY = (y: number) => (a: [number, number], b: [number, number]): [number, number] => [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
  const edges: Edge[] = [
    { inside: (p) => p[0] >= box.west, cut: atX(box.west) },
    { inside: (p) => p[0] <= box.east, cut: atX(box.east) },
    { inside: (p) => p[1] >= box.south, cut: atY(box.south) },
    { inside: (p) => p[1] <= box.north, cut: atY(box.north) },
  ];
  let points = ring;
  for (const edge of edges) {
    if (!points.length) break;
    const input = points;
    points = [];
    for (let i = 0; i < input.length; i++) {
      const current = input[i]!;
      const previous = input[(i + input.length - 1) % input.length]!;
      if (edge.inside(current)) {
        if (!edge.inside(previous)) points.push(edge.cut(previous, current));
        points.push(current);
      } else if (edge.inside(previous)) {
        points.push(edge.cut(previous, current));
      }
    }
  }
  return points;
}
