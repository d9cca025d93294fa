import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  get,
  lastPosition,
  place,
  placeName,
  query,
  type GeoFeature,
  type PlaceSummary,
  type PlaceView,
  type StatsBucket,
  type TimelineEntry,
  type TimelinePage,
} from '../api.js';
import { formatFatalities, formatOccurred, formatRange } from '../format.js';
import { useI18n } from '../i18n.js';
import { useLiveNews } from '../live.js';
import { href, navigate, rememberTimeline } from '../router.js';
import { Card, CategoryChip, ErrorNotice, Localized, Spinner, StatusBadge, UserText, useSession } from '../ui.js';
import { FiltersPanel, readFilters, type Filters } from './filters.js';
import { Histogram } from './histogram.js';
import { MapView } from './map-view.js';

const PAGE = 100;

interface Data {
  entries: TimelineEntry[];
  nextCursor?: string | null;
  buckets: StatsBucket[];
  features: GeoFeature[];
}

export function TimelineView({ params }: { params: URLSearchParams }) {
  const i18n = useI18n();
  const session = useSession();
  const filters = readFilters(params);
  const filterQuery = query({ ...filters });
  useEffect(() => {
    rememberTimeline();
  });

  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const loaded = useRef<{ query: string; count: number }>({ query: '', count: 0 });
  const generation = useRef(0);

  /** The timeline, its monthly counts and its map, read together (after `minPosition` when given). */
  const load = useCallback(
    async (minPosition?: number) => {
      const round = ++generation.current;
      const wait = minPosition ?? (lastPosition() || undefined);
      const keep = loaded.current.query === filterQuery ? Math.min(500, Math.max(PAGE, loaded.current.count)) : PAGE;
      const common = { ...filters, minPosition: wait };
      try {
        const [page, stats, geo] = await Promise.all([
          get<TimelinePage>(`/timeline${query({ ...common, limit: keep })}`),
          get<{ buckets: StatsBucket[] }>(`/timeline/stats${query({ ...common, groupBy: 'month' })}`),
          get<{ features: GeoFeature[] }>(`/timeline.geojson${query(common)}`),
        ]);
        if (round !== generation.current) return;
        setData((previous) => {
          if (previous && loaded.current.query === filterQuery) {
            const before = new Set(previous.entries.map((entry) => entry.id));
            const added = page.entries.filter((entry) => !before.has(entry.id)).map((entry) => entry.id);
            if (added.length) setFresh((known) => new Set([...known, ...added]));
          } else {
            setFresh(new Set());
          }
          loaded.current = { query: filterQuery, count: page.entries.length };
          return { entries: page.entries, nextCursor: page.nextCursor, buckets: stats.buckets, features: geo.features };
        });
        setError(undefined);
      } catch (failure) {
        if (round === generation.current) setError(failure);
      }
    },
    [filterQuery],
  );

  useEffect(() => {
    setData((previous) => (loaded.current.query === filterQuery ? previous : null));
    void load();
  }, [filterQuery]);

  // New incidents without a reload: each incident event of the live stream reads the timeline
  // again once the read models have passed its position. Bursts are read once.
  const pending = useRef<{ timer?: number; position: number }>({ position: 0 });
  const live = useLiveNews(
    session?.key ?? null,
    (news) => {
      // News of anyone's write: only the reload it triggers waits for its position. It is not
      // this page's own write, so it does not raise what every later read waits for.
      pending.current.position = Math.max(pending.current.position, news.position);
      window.clearTimeout(pending.current.timer);
      pending.current.timer = window.setTimeout(() => void load(pending.current.position), 250);
    },
    () => void load(),
  );
  useEffect(() => () => window.clearTimeout(pending.current.timer), []);

  const loadMore = async () => {
    if (!data?.nextCursor) return;
    // Tied to the load it continues: a newer load (filters changed, live news) wins.
    const round = generation.current;
    setLoadingMore(true);
    try {
      const page = await get<TimelinePage>(`/timeline${query({ ...filters, limit: PAGE, cursor: data.nextCursor })}`);
      if (round !== generation.current) return;
      loaded.current.count = data.entries.length + page.entries.length;
      setData({ ...data, entries: [...data.entries, ...page.entries], nextCursor: page.nextCursor });
    } catch (failure) {
      if (round === generation.current) setError(failure);
    } finally {
      setLoadingMore(false);
    }
  };

  const change = (next: Filters) => navigate('/timeline', { ...next });
  const total = data?.buckets.reduce((sum, bucket) => sum + bucket.incidents, 0) ?? 0;
  const killed = data?.buckets.reduce((sum, bucket) => sum + bucket.fatalities, 0) ?? 0;
  const { landmarks, frame, ready: landmarksReady } = useLandmarks(filters.region);

  return (
    <div class="timeline-layout">
      <aside class="sidebar">
        <FiltersPanel filters={filters} onChange={change} />
      </aside>
      <div class="timeline-main">
        <div class="summary-bar">
          <div class="summary-counts" data-testid="summary">
            {data ? (
              <>
                <strong>{i18n.plural('incidents', total)}</strong>
                {killed > 0 && (
                  <span class="muted">
                    {' '}
                    · {i18n.plural('killed', killed)} ({i18n.t('bestEstimate')})
                  </span>
                )}
              </>
            ) : (
              <span class="muted">{i18n.t('loading')}</span>
            )}
          </div>
          <span class={`live live-${live}`} data-testid="live" data-state={live} title={i18n.t('liveTitle')}>
            <span class="live-dot" aria-hidden="true" />
            {live === 'retrying' ? i18n.t('liveOff') : i18n.t('live')}
          </span>
        </div>
        <ErrorNotice error={error} onRetry={() => void load()} />
        <div class="charts">
          <Card title={i18n.t('histogramTitle')} class="chart-card" actions={<span class="hint">{i18n.t('histogramHint')}</span>}>
            {data ? <Histogram buckets={data.buckets} from={filters.from} to={filters.to} onPick={(range) => change({ ...filters, ...range })} /> : <Spinner />}
          </Card>
          <Card title={i18n.t('mapTitle')} class="chart-card">
            {data && landmarksReady ? <MapView features={data.features} landmarks={landmarks} frame={frame} /> : <Spinner />}
          </Card>
        </div>
        <section class="entries" data-testid="timeline" aria-busy={!data}>
          {data && data.entries.length === 0 && <p class="entries-empty">{i18n.t('noIncidents')}</p>}
          {data && <Groups entries={data.entries} fresh={fresh} />}
          {data?.nextCursor && (
            <div class="more">
              <button type="button" class="button" onClick={loadMore} disabled={loadingMore}>
                {loadingMore ? i18n.t('loading') : i18n.t('loadMore')}
              </button>
              <span class="muted">{i18n.t('incidentsShown', { shown: i18n.num(data.entries.length), count: i18n.num(total) })}</span>
            </div>
          )}
          {!data && !error && <Spinner />}
        </section>
      </div>
    </div>
  );
}

type Frame = { west: number; east: number; south: number; north: number };

/**
 * The units to label the map with: the parts of the chosen region (or Syria's governorates),
 * with their centroids; `ready` once they are read for this region, so the map is framed once.
 */
function useLandmarks(region: string | undefined): { landmarks: PlaceSummary[]; frame?: Frame; ready: boolean } {
  const [state, setState] = useState<{ landmarks: PlaceSummary[]; frame?: Frame; region?: string | undefined; done: boolean }>({ landmarks: [], done: false });
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const unit: PlaceView = await place(region ?? 'SY');
      const children = unit.children.length ? unit.children : [unit];
      // Summaries carry no centroid (yet): read each unit once; the gazetteer is cached.
      const landmarks = await Promise.all(
        children.map(async (child) => (child.latitude !== undefined ? child : await place(child.pcode).catch(() => child))),
      );
      const b = unit.bounds;
      const frame = b ? { west: b.minLongitude, east: b.maxLongitude, south: b.minLatitude, north: b.maxLatitude } : undefined;
      if (!cancelled) setState({ landmarks, frame, region, done: true });
    })().catch(() => !cancelled && setState({ landmarks: [], region, done: true }));
    return () => {
      cancelled = true;
    };
  }, [region]);
  return { landmarks: state.landmarks, frame: state.frame, ready: state.done && state.region === region };
}

function Groups({ entries, fresh }: { entries: TimelineEntry[]; fresh: Set<string> }) {
  const i18n = useI18n();
  const groups = useMemo(() => {
    const out: { key: string; entries: TimelineEntry[] }[] = [];
    for (const entry of entries) {
      const key = `${entry.occurred.precision}:${entry.occurred.from}`;
      const last = out[out.length - 1];
      if (last?.key === key) last.entries.push(entry);
      else out.push({ key, entries: [entry] });
    }
    return out;
  }, [entries]);
  return (
    <>
      {groups.map((group) => {
        const occurred = group.entries[0]!.occurred;
        return (
          <section class="date-group" key={group.key} data-testid="date-group">
            <h3 class="date-heading">
              <span class="date-label" data-testid="date-label">
                {formatOccurred(i18n, occurred)}
              </span>
              <span class={`precision precision-${occurred.precision}`}>{i18n.code('precision', occurred.precision)}</span>
            </h3>
            <ol class="entry-list">
              {group.entries.map((entry) => (
                <Entry entry={entry} key={entry.id} fresh={fresh.has(entry.id)} />
              ))}
            </ol>
          </section>
        );
      })}
    </>
  );
}

function Entry({ entry, fresh }: { entry: TimelineEntry; fresh: boolean }) {
  const i18n = useI18n();
  const range = formatRange(i18n, entry.occurred);
  const fatalities = formatFatalities(i18n, entry.fatalities);
  const deepest = entry.place.admin3 ?? entry.place.admin2 ?? entry.place.admin1;
  return (
    <li class={`entry${fresh ? ' entry-fresh' : ''}`} data-testid="entry" data-id={entry.id}>
      <a class="entry-link" href={href(`/incidents/${entry.id}`)}>
        <div class="entry-meta">
          <CategoryChip category={entry.category} />
          {entry.status !== 'unverified' && <StatusBadge status={entry.status} />}
          {fresh && <span class="badge-new">{i18n.t('newBadge')}</span>}
          {fatalities && <span class="entry-fatalities">{fatalities}</span>}
          {range && <span class="entry-range">{range}</span>}
        </div>
        <Localized value={entry.title} as="p" class="entry-title" />
        <div class="entry-place">
          <span class="icon-pin" aria-hidden="true" />
          <UserText text={entry.place.name} />
          {deepest && <UnitName pcode={deepest} />}
        </div>
        {entry.actors.length > 0 && (
          <ul class="entry-actors">
            {entry.actors.map((actor, index) => (
              <li key={index} class="actor-chip">
                <span class="actor-role">{i18n.code('role', actor.role)}</span>
                <UserText text={actor.name ?? actor.registryActor?.displayName} as="bdi" />
              </li>
            ))}
          </ul>
        )}
      </a>
    </li>
  );
}

/** A p-code's name in the interface's language (the gazetteer is read once per unit). */
export function UnitName({ pcode }: { pcode: string }) {
  const i18n = useI18n();
  const [name, setName] = useState<string>();
  useEffect(() => {
    let cancelled = false;
    place(pcode).then((unit) => !cancelled && setName(placeName(unit, i18n.lang)), () => !cancelled && setName(undefined));
    return () => {
      cancelled = true;
    };
  }, [pcode, i18n.lang]);
  return (
    <span class="unit-name">
      {name ? <bdi>{name}</bdi> : null} <span class="pcode">{pcode}</span>
    </span>
  );
}
