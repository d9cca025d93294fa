import { useMemo, useState } from 'preact/hooks';
import basemap from 'virtual:basemap';
import { placeName, type GeoFeature, type PlaceSummary } from '../api.js';
import { useI18n } from '../i18n.js';
import { href } from '../router.js';
import { categoryKind } from '../ui.js';

const WIDTH = 560;
const HEIGHT = 400;
const PADDING = 20;

/** Syria's box (the gazetteer's bounds for SY), when there is nothing else to frame. */
const DEFAULT_BOX: Box = { west: 35.6, east: 42.4, south: 32.3, north: 37.35 };

interface Box {
  west: number;
  east: number;
  south: number;
  north: number;
}

interface Cluster {
  lon: number;
  lat: number;
  features: GeoFeature[];
}

/**
 * The entries on a map drawn from their own coordinates, or their deepest unit's centroid (as
 * GET /timeline.geojson gives them), over country borders bundled at build time: no tiles, no
 * network. Entries at the same spot are one circle with their count. Named units (the chosen
 * region's parts) are drawn as grey labels at their centroids, to read the map by.
 */
export function MapView(props: { features: GeoFeature[]; landmarks: PlaceSummary[]; frame?: Box }) {
  const i18n = useI18n();
  const [picked, setPicked] = useState<Cluster | null>(null);

  const located = props.features.filter((feature) => feature.geometry?.coordinates);
  const clusters = useMemo(() => {
    const byPoint = new Map<string, Cluster>();
    for (const feature of located) {
      const [lon, lat] = feature.geometry!.coordinates;
      const key = `${lon.toFixed(3)},${lat.toFixed(3)}`;
      const cluster = byPoint.get(key) ?? { lon, lat, features: [] };
      cluster.features.push(feature);
      byPoint.set(key, cluster);
    }
    // Big circles first, so small ones stay on top and clickable.
    return [...byPoint.values()].sort((a, b) => b.features.length - a.features.length);
  }, [props.features]);

  const landmarks = props.landmarks.filter((unit) => unit.latitude !== undefined && unit.longitude !== undefined);
  const projection = useMemo(() => fit([...clusters.map((c) => [c.lon, c.lat] as [number, number]), ...landmarks.map((u) => [u.longitude!, u.latitude!] as [number, number])], props.frame), [clusters, landmarks.length, props.frame]);

  const countries = useMemo(
    () =>
      basemap.map((country) => ({
        id: country.id,
        name: country.name,
        d: country.rings
          .filter((ring) => intersects(ring, projection.box))
          .map((ring) => 'M' + ring.map(([lon, lat]) => projection.point(lon, lat).map((v) => v.toFixed(1)).join(' ')).join('L') + 'Z')
          .join(''),
      })),
    [projection],
  );
  const scale = scaleBar(projection);
  const circles = useMemo(
    () =>
      clusters.map((cluster) => {
        const [x, y] = projection.point(cluster.lon, cluster.lat);
        return { x, y, r: 6 + 3.2 * Math.sqrt(cluster.features.length - 1) };
      }),
    [clusters, projection],
  );
  /**
   * Each label goes above its dot, else below it, else (when both would cover a circle or an
   * earlier label) is left out: its dot stays, named by its tooltip.
   */
  const labels = useMemo(() => {
    const taken: { x0: number; x1: number; y0: number; y1: number }[] = circles.map((c) => ({ x0: c.x - c.r, x1: c.x + c.r, y0: c.y - c.r, y1: c.y + c.r }));
    const overlaps = (box: { x0: number; x1: number; y0: number; y1: number }) => taken.some((t) => box.x0 < t.x1 && box.x1 > t.x0 && box.y0 < t.y1 && box.y1 > t.y0);
    const placed = new Map<string, number>();
    for (const unit of landmarks) {
      const [x, y] = projection.point(unit.longitude!, unit.latitude!);
      const half = (placeName(unit, i18n.lang).length * 6.6) / 2 + 2;
      const cover = circles.find((circle) => Math.hypot(circle.x - x, circle.y - y) < circle.r + 4);
      for (const baseline of cover ? [cover.y - cover.r - 5, cover.y + cover.r + 14] : [y - 6, y + 16]) {
        const box = { x0: x - half, x1: x + half, y0: baseline - 11, y1: baseline + 3 };
        if (!overlaps(box)) {
          taken.push(box);
          placed.set(unit.pcode, baseline);
          break;
        }
      }
    }
    return placed;
  }, [circles, landmarks, projection, i18n.lang]);
  const unlocated = props.features.length - located.length;

  return (
    <div class="map" data-testid="map">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={i18n.t('mapTitle')} dir="ltr">
        <rect class="map-sea" width={WIDTH} height={HEIGHT} />
        {countries.map((country) => country.d && <path key={country.id} class={country.id === '760' ? 'map-land map-focus' : 'map-land'} d={country.d} />)}
        {landmarks.map((unit) => {
          const [x, y] = projection.point(unit.longitude!, unit.latitude!);
          const baseline = labels.get(unit.pcode);
          return (
            <g key={unit.pcode} class="map-landmark">
              <title>{placeName(unit, i18n.lang)}</title>
              <circle cx={x} cy={y} r={2.2} />
              {baseline !== undefined && (
                <text x={x} y={baseline} text-anchor="middle" dir="auto">
                  {placeName(unit, i18n.lang)}
                </text>
              )}
            </g>
          );
        })}
        {clusters.map((cluster) => {
          const [x, y] = projection.point(cluster.lon, cluster.lat);
          const count = cluster.features.length;
          const radius = circles[clusters.indexOf(cluster)]!.r;
          const kinds = new Set(cluster.features.map((feature) => categoryKind(feature.properties.category)));
          const kind = kinds.size === 1 ? [...kinds][0] : 'mixed';
          const title = cluster.features.map((feature) => feature.properties.notes ?? feature.id).join('\n');
          const open = () => (count === 1 ? (location.hash = href(`/incidents/${cluster.features[0]!.id}`)) : setPicked(picked === cluster ? null : cluster));
          return (
            <g
              key={`${cluster.lon},${cluster.lat}`}
              class={`map-point map-point-${kind}${picked === cluster ? ' picked' : ''}`}
              data-count={count}
              tabIndex={0}
              role="button"
              aria-label={title}
              onClick={open}
              onKeyDown={(event) => (event.key === 'Enter' || event.key === ' ') && (event.preventDefault(), open())}
            >
              <title>{title}</title>
              <circle cx={x} cy={y} r={radius} />
              {count > 1 && (
                <text x={x} y={y} dy="0.35em" text-anchor="middle">
                  {count}
                </text>
              )}
            </g>
          );
        })}
        <g class="map-scale" transform={`translate(${PADDING - 12}, ${HEIGHT - 18})`}>
          <path d={`M0 -5V0H${scale.pixels.toFixed(1)}V-5`} />
          <text x={scale.pixels + 6} y={0}>
            {scale.km} km
          </text>
        </g>
        <text class="map-credit" x={WIDTH - 8} y={HEIGHT - 8} text-anchor="end">
          Natural Earth
        </text>
      </svg>
      {picked && (
        <ul class="map-picked" data-testid="map-picked">
          {picked.features.map((feature) => (
            <li key={feature.id}>
              <a href={href(`/incidents/${feature.id}`)} dir="auto">
                {feature.properties.notes ?? feature.id}
              </a>
            </li>
          ))}
        </ul>
      )}
      <p class="hint">
        {i18n.t('mapHint')} {i18n.t('mapCredit')}
        {unlocated > 0 && ` ${i18n.t('mapNoPlace', { count: i18n.num(unlocated) })}`}
      </p>
    </div>
  );
}

interface Projection {
  box: Box;
  point(lon: number, lat: number): [number, number];
  /** Pixels per degree of latitude. */
  scale: number;
}

/** An equirectangular projection scaled at the middle latitude, framing the points (at least 1.2°). */
function fit(points: [number, number][], frame?: Box): Projection {
  let box: Box;
  if (points.length) {
    box = { west: Infinity, east: -Infinity, south: Infinity, north: -Infinity };
    for (const [lon, lat] of points) {
      box.west = Math.min(box.west, lon);
      box.east = Math.max(box.east, lon);
      box.south = Math.min(box.south, lat);
      box.north = Math.max(box.north, lat);
    }
    if (frame) box = { west: Math.min(box.west, frame.west), east: Math.max(box.east, frame.east), south: Math.min(box.south, frame.south), north: Math.max(box.north, frame.north) };
  } else {
    box = frame ?? DEFAULT_BOX;
  }
  const minSpan = 1.2;
  const midLat = (box.south + box.north) / 2;
  const midLon = (box.west + box.east) / 2;
  const k = Math.cos((midLat * Math.PI) / 180);
  const spanLat = Math.max(minSpan, (box.north - box.south) * 1.08);
  const spanLon = Math.max(minSpan, (box.east - box.west) * 1.08);
  const scale = Math.min((WIDTH - 2 * PADDING) / (spanLon * k), (HEIGHT - 2 * PADDING) / spanLat);
  const halfLon = WIDTH / 2 / (scale * k);
  const halfLat = HEIGHT / 2 / scale;
  return {
    box: { west: midLon - halfLon, east: midLon + halfLon, south: midLat - halfLat, north: midLat + halfLat },
    scale,
    point: (lon, lat) => [WIDTH / 2 + (lon - midLon) * k * scale, HEIGHT / 2 - (lat - midLat) * scale],
  };
}

function intersects(ring: [number, number][], box: Box): boolean {
  let west = Infinity,
    east = -Infinity,
    south = Infinity,
    north = -Infinity;
  for (const [lon, lat] of ring) {
    if (lon < west) west = lon;
    if (lon > east) east = lon;
    if (lat < south) south = lat;
    if (lat > north) north = lat;
  }
  return west <= box.east && east >= box.west && south <= box.north && north >= box.south;
}

/** A round distance about a sixth of the map's width. */
function scaleBar(projection: Projection): { km: number; pixels: number } {
  const pixelsPerKm = projection.scale / 111.32;
  const target = WIDTH / 6 / pixelsPerKm;
  const steps = [5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];
  const km = steps.find((step) => step >= target * 0.6) ?? 1000;
  return { km, pixels: km * pixelsPerKm };
}
