import { useEffect, useRef, useState } from 'preact/hooks';
import { INCIDENT_CATEGORIES } from '../../../src/incidents/domain/taxonomy.js';
import { actor, actorName, countries, get, place, placeName, query, type ActorMatch, type PlaceSummary, type PlaceView } from '../api.js';
import { useI18n } from '../i18n.js';

/** The timeline's filters, as the address holds them. */
export interface Filters {
  region?: string;
  actor?: string;
  from?: string;
  to?: string;
  category?: string;
  q?: string;
}
export const FILTER_NAMES = ['region', 'actor', 'from', 'to', 'category', 'q'] as const;

export function readFilters(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

export function FiltersPanel({ filters, onChange }: { filters: Filters; onChange: (next: Filters) => void }) {
  const i18n = useI18n();
  const set = (patch: Partial<Filters>) => onChange(clean({ ...filters, ...patch }));
  const [words, setWords] = useState(filters.q ?? '');
  useEffect(() => setWords(filters.q ?? ''), [filters.q]);
  const active = FILTER_NAMES.filter((name) => filters[name]).length;
  const any = active > 0;
  // On a narrow screen the filters fold away above the timeline; on a wide one they stay open beside it.
  const [narrow] = useState(() => window.matchMedia('(max-width: 900px)').matches);

  return (
    <form class="filters" data-testid="filters" onSubmit={(event) => (event.preventDefault(), set({ q: words }))} aria-label={i18n.t('filters')}>
      <details class="filters-fold" open={!narrow}>
        <summary class="filters-title">
          {i18n.t('filters')}
          {any && <span class="filters-count">{i18n.num(active)}</span>}
        </summary>
        <RegionPicker value={filters.region} onChange={(region) => set({ region })} />
        <ActorPicker value={filters.actor} onChange={(actorId) => set({ actor: actorId })} />
        <div class="field-row">
          <div class="field">
            <label for="filter-from">{i18n.t('filterFrom')}</label>
            <input id="filter-from" name="from" type="date" value={filters.from ?? ''} max={filters.to} onChange={(event) => set({ from: event.currentTarget.value })} />
          </div>
          <div class="field">
            <label for="filter-to">{i18n.t('filterTo')}</label>
            <input id="filter-to" name="to" type="date" value={filters.to ?? ''} min={filters.from} onChange={(event) => set({ to: event.currentTarget.value })} />
          </div>
        </div>
        <div class="field">
          <label for="filter-category">{i18n.t('filterCategory')}</label>
          <select id="filter-category" name="category" value={filters.category ?? ''} onChange={(event) => set({ category: event.currentTarget.value })}>
            <option value="">{i18n.t('filterCategoryAny')}</option>
            {INCIDENT_CATEGORIES.map((category) => (
              <option value={category} key={category}>
                {i18n.code('category', category)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-q">{i18n.t('filterWords')}</label>
          <input
            id="filter-q"
            name="q"
            type="search"
            dir="auto"
            value={words}
            placeholder={i18n.t('filterWordsPlaceholder')}
            onInput={(event) => setWords(event.currentTarget.value)}
            onBlur={() => words !== (filters.q ?? '') && set({ q: words })}
          />
        </div>
        {any && (
          <button type="button" class="link-button" data-testid="clear-filters" onClick={() => onChange({})}>
            {i18n.t('filterClear')}
          </button>
        )}
        <p class="hint">{i18n.t('filterShare')}</p>
      </details>
    </form>
  );
}

function clean(filters: Filters): Filters {
  const out: Filters = {};
  for (const name of FILTER_NAMES) if (filters[name]) out[name] = filters[name];
  return out;
}

/**
 * The gazetteer's hierarchy as a cascade: country, governorate, district, subdistrict. Each level
 * lists the units below the one chosen above it, read from GET /places/:pcode.
 */
export function RegionPicker({ value, onChange, idPrefix = 'region' }: { value?: string; onChange: (pcode: string | undefined) => void; idPrefix?: string }) {
  const i18n = useI18n();
  const [countryList, setCountryList] = useState<PlaceSummary[]>([]);
  const [chain, setChain] = useState<PlaceView[]>([]);

  useEffect(() => {
    countries().then(setCountryList, () => setCountryList([]));
  }, []);
  useEffect(() => {
    let cancelled = false;
    if (!value) return setChain([]);
    place(value)
      .then(async (view) => [...(await Promise.all(view.parents.map((parent) => place(parent.pcode)))), view])
      .then((views) => !cancelled && setChain(views), () => !cancelled && setChain([]));
    return () => {
      cancelled = true;
    };
  }, [value]);

  const levels: { options: PlaceSummary[]; selected?: string; parent?: PlaceView }[] = [{ options: countryList, selected: chain[0]?.pcode }];
  chain.forEach((view, index) => {
    if (view.children.length) levels.push({ options: view.children, selected: chain[index + 1]?.pcode, parent: view });
  });

  return (
    <fieldset class="field region-picker" data-testid="region-picker">
      <legend>{i18n.t('filterRegion')}</legend>
      {levels.map((level, index) => (
        <select
          key={level.parent?.pcode ?? 'countries'}
          id={index === 0 ? `${idPrefix}-picker` : undefined}
          aria-label={index === 0 ? i18n.t('filterRegion') : placeName(level.parent!, i18n.lang)}
          data-level={index}
          value={level.selected ?? ''}
          onChange={(event) => onChange(event.currentTarget.value || level.parent?.pcode || undefined)}
        >
          <option value="">{level.parent ? i18n.t('filterRegionAll', { name: placeName(level.parent, i18n.lang) }) : i18n.t('filterRegionAny')}</option>
          {level.options.map((unit) => (
            <option value={unit.pcode} key={unit.pcode}>
              {placeName(unit, i18n.lang)} · {unit.pcode}
            </option>
          ))}
        </select>
      ))}
    </fieldset>
  );
}

/** Search as you type, in any script (GET /actors?q=); the chosen actor's id goes in the address. */
export function ActorPicker({ value, onChange }: { value?: string; onChange: (actorId: string | undefined) => void }) {
  const i18n = useI18n();
  const [text, setText] = useState('');
  const [matches, setMatches] = useState<ActorMatch[] | null>(null);
  const [active, setActive] = useState(0);
  const [chosenName, setChosenName] = useState<string>();
  const timer = useRef<number | undefined>(undefined);
  const request = useRef<AbortController | undefined>(undefined);

  useEffect(() => {
    setChosenName(undefined);
    if (value) actor(value).then((view) => setChosenName(actorName(view, i18n.lang)), () => setChosenName(value));
  }, [value, i18n.lang]);

  const search = (q: string) => {
    setText(q);
    window.clearTimeout(timer.current);
    request.current?.abort();
    if (!q.trim()) return setMatches(null);
    timer.current = window.setTimeout(() => {
      const controller = new AbortController();
      request.current = controller;
      get<ActorMatch[]>(`/actors${query({ q: q.trim(), limit: 8 })}`, controller.signal).then(
        (found) => {
          if (controller.signal.aborted) return;
          setMatches(found);
          setActive(0);
        },
        () => !controller.signal.aborted && setMatches([]),
      );
    }, 180);
  };

  const choose = (match: ActorMatch) => {
    setText('');
    setMatches(null);
    onChange(match.id);
  };

  if (value) {
    return (
      <div class="field">
        <span class="label">{i18n.t('filterActor')}</span>
        <div class="chosen" data-testid="actor-chosen">
          <span dir="auto">{chosenName ?? '…'}</span>
          <button type="button" class="chip-remove" aria-label={i18n.t('filterActorClear')} title={i18n.t('filterActorClear')} onClick={() => onChange(undefined)}>
            ×
          </button>
        </div>
      </div>
    );
  }

  const open = matches !== null;
  return (
    <div class="field combobox">
      <label for="filter-actor">{i18n.t('filterActor')}</label>
      <input
        id="filter-actor"
        type="search"
        dir="auto"
        role="combobox"
        list={undefined}
        autocomplete="off"
        aria-expanded={open}
        aria-controls="filter-actor-options"
        aria-autocomplete="list"
        placeholder={i18n.t('filterActorPlaceholder')}
        value={text}
        onInput={(event) => search(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (!matches?.length) return;
          if (event.key === 'ArrowDown') (event.preventDefault(), setActive((active + 1) % matches.length));
          else if (event.key === 'ArrowUp') (event.preventDefault(), setActive((active + matches.length - 1) % matches.length));
          else if (event.key === 'Enter') (event.preventDefault(), choose(matches[active]!));
          else if (event.key === 'Escape') setMatches(null);
        }}
        onBlur={() => window.setTimeout(() => setMatches(null), 200)}
      />
      {open && (
        <ul class="options" id="filter-actor-options" role="listbox" data-testid="actor-options">
          {matches.length === 0 && <li class="option-empty">{i18n.t('filterActorNone')}</li>}
          {matches.map((match, index) => (
            <li
              key={match.id}
              role="option"
              aria-selected={index === active}
              class={index === active ? 'option active' : 'option'}
              onMouseDown={(event) => (event.preventDefault(), choose(match))}
            >
              <span class="option-name" dir="auto">
                {match.displayName}
              </span>
              {match.matchedName && match.matchedName.value !== match.displayName && (
                <span class="option-match" dir="auto" lang={match.matchedName.language}>
                  {match.matchedName.value}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
