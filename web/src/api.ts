import { isRole, may, PERMISSIONS, type Permission, type Role } from '../../src/access/roles.js';
import type {
  ActorRef as DomainActorRef,
  Fatalities,
  LocalizedText,
  Occurred,
  Place,
  Source as DomainSource,
  Translation,
} from '../../src/incidents/domain/incident.types.js';
import type { IncidentStatus } from '../../src/incidents/domain/incident.state.js';

/** An RFC 9457 problem, as every error of the API is written. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  /** 400s: every bad field, by its path in the request ("changes.place.latitude"). */
  errors?: { path: string; message: string }[];
  /** 409s: the incident rule that refused the change. */
  code?: string;
  /** 403s: the key's role and what it lacked. */
  role?: string;
  requiredPermission?: string;
  /** 412s: where the incident stands now. */
  currentVersion?: number;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status() {
    return this.problem.status;
  }
}

/** Who is using the page: a key (or none, when the service lets the public read) and its role. */
export interface Session {
  key: string | null;
  role: Role;
  /** The key's name, when the service says it. */
  name?: string;
  /** What the key may do, as the service says (GET /keys/me). */
  permissions: Permission[];
}

export const can = (session: Session | null, permission: Permission) => !!session && session.permissions.includes(permission);
const grants = (role: Role) => PERMISSIONS.filter((permission) => may({ role }, permission));

// ---------------------------------------------------------------------------------------------
// The key: in sessionStorage (forgotten with the tab) or, when asked, localStorage.

const KEY_STORAGE = 'cit.apiKey';

export function storedKey(): string | null {
  return attempt(() => sessionStorage.getItem(KEY_STORAGE)) ?? attempt(() => localStorage.getItem(KEY_STORAGE)) ?? null;
}
export function storeKey(key: string, remember: boolean): void {
  forgetStoredKey();
  attempt(() => (remember ? localStorage : sessionStorage).setItem(KEY_STORAGE, key));
}
export function forgetStoredKey(): void {
  attempt(() => sessionStorage.removeItem(KEY_STORAGE));
  attempt(() => localStorage.removeItem(KEY_STORAGE));
}
function attempt<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

let currentKey: string | null = null;
let onUnauthorized: () => void = () => {};

/** Forgetters of what was read with a key (module-level caches), run whenever the key changes. */
const keyCaches = new Set<() => void>();
export function forgetOnKeyChange(forget: () => void): void {
  keyCaches.add(forget);
}
/** Empties every cache of fetched data, so nothing read with one key is shown to the next. */
export function forgetFetchedData(): void {
  for (const forget of keyCaches) forget();
}

/** The key every request carries from now on, and what to do when the service refuses it. */
export function setRequestKey(key: string | null, unauthorized: () => void): void {
  if (key !== currentKey) forgetFetchedData();
  currentKey = key;
  onUnauthorized = unauthorized;
}

/** The highest log position this page has written: timeline reads wait for it (read-your-writes). */
let lastWritePosition = 0;
export const lastPosition = () => lastWritePosition;
export function sawPosition(position: number | undefined): void {
  if (position && position > lastWritePosition) lastWritePosition = position;
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Sent with this key instead of the page's (to check a key before keeping it). */
  key?: string | null;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const key = options.key !== undefined ? options.key : currentKey;
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...options.headers };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError({ status: 0, title: 'The service does not answer', detail: String((error as Error).message ?? error) });
  }
  const text = await response.text();
  let data: any = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    const problem: Problem = typeof data === 'object' && data ? { ...data, status: response.status } : { status: response.status, title: response.statusText };
    if (response.status === 401 && options.key === undefined) onUnauthorized();
    throw new ApiError(problem);
  }
  return { data: data as T, status: response.status, headers: response.headers };
}

export const get = async <T>(path: string, signal?: AbortSignal) => (await request<T>(path, { signal })).data;

/** A command: POST with If-Match when a version is given; remembers the position it wrote. */
export async function command(path: string, body: unknown, version?: number, extraHeaders: Record<string, string> = {}): Promise<CommandResult> {
  const headers: Record<string, string> = { ...extraHeaders };
  if (version !== undefined) headers['If-Match'] = `"${version}"`;
  const { data } = await request<CommandResult>(path, { method: 'POST', body, headers });
  sawPosition(data.position);
  return data;
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Who a key is and what it may do: GET /keys/me (its name, role and permissions). Without a
 * key, the page works when the service lets the public read (PUBLIC_READ=true), as a viewer.
 */
export async function identify(key: string | null): Promise<Session> {
  const { data } = await request<{ name?: string; role?: string; permissions?: string[] }>('/keys/me', { key });
  if (!isRole(data?.role)) throw new ApiError({ status: 0, detail: 'GET /keys/me gave no role' });
  const known = new Set<string>(PERMISSIONS);
  const permissions = Array.isArray(data.permissions) ? (data.permissions.filter((permission) => known.has(permission)) as Permission[]) : grants(data.role);
  return { key, role: data.role, name: key ? data.name : undefined, permissions };
}

// ---------------------------------------------------------------------------------------------
// The API's shapes, as far as the page reads them.

export interface CommandResult {
  id: string;
  version: number;
  position: number;
}

/** An incident's parts are the domain's own types: the API answers them as the events hold them. */
export type { Fatalities, LocalizedText, Occurred, Place } from '../../src/incidents/domain/incident.types.js';

/** An actor as the API shows it: with the registry actor its id now stands for, after merges. */
export interface ActorRef extends DomainActorRef {
  registryActor?: { id: string; displayName: string; kind: string };
}

/** A source as the API shows it: the confidential fields this key may not see are named in `withheld`. */
export interface Source extends DomainSource {
  withheld?: string[];
}

export interface Incident {
  id: string;
  version: number;
  status: IncidentStatus;
  category: string;
  title: LocalizedText;
  summary?: LocalizedText;
  translations?: Translation[];
  occurred: Occurred;
  place: Place;
  actors: ActorRef[];
  fatalities?: Fatalities;
  sources: Source[];
  related?: { incidentId: string; relation: string }[];
  tags?: string[];
  notes?: string;
  externalIds?: Record<string, string>;
  recordedAt: string;
  lastChangedAt: string;
  asOf?: string;
}

export interface TimelineEntry {
  id: string;
  title: LocalizedText;
  category: string;
  occurred: Occurred;
  place: Place;
  actors: ActorRef[];
  fatalities?: Fatalities;
  status: Incident['status'];
  version: number;
  position: number;
  recordedAt: string;
  lastChangedAt: string;
}

export interface TimelinePage {
  entries: TimelineEntry[];
  nextCursor?: string | null;
}

export interface StatsBucket {
  key: string;
  incidents: number;
  fatalities: number;
}

export interface GeoFeature {
  id: string;
  geometry: { type: 'Point'; coordinates: [number, number] } | null;
  properties: { id: string; category: string; notes?: string; location?: string; event_date?: string; status?: string; [name: string]: unknown };
}

export interface PlaceSummary {
  pcode: string;
  level: number;
  countryCode: string;
  nameEn: string;
  nameAr?: string;
  latitude?: number;
  longitude?: number;
}

export interface PlaceView extends PlaceSummary {
  parents: PlaceSummary[];
  children: PlaceSummary[];
  bounds?: { minLatitude: number; maxLatitude: number; minLongitude: number; maxLongitude: number };
}

export interface ActorMatch {
  id: string;
  kind: string;
  displayName: string;
  matchedName?: { value: string; language: string; kind: string };
  score?: number;
}

export interface ActorView {
  id: string;
  kind: string;
  displayName?: string;
  names: { value: string; language: string; kind: string }[];
}

export interface HistoryEvent {
  position: number;
  version: number;
  type: string;
  data: any;
  metadata: Record<string, unknown>;
  recordedAt: string;
  by?: string;
  reason?: string;
  source?: Partial<Source>;
  changes: { path: string; before?: unknown; after?: unknown }[];
}

// ---------------------------------------------------------------------------------------------
// Places, cached: the gazetteer is reference data.

const places = new Map<string, Promise<PlaceView>>();
forgetOnKeyChange(() => places.clear());
export function place(pcode: string): Promise<PlaceView> {
  let known = places.get(pcode);
  if (!known) {
    known = get<PlaceView>(`/places/${encodeURIComponent(pcode)}`);
    known.catch(() => places.delete(pcode));
    places.set(pcode, known);
  }
  return known;
}

let countryList: Promise<PlaceSummary[]> | undefined;
forgetOnKeyChange(() => (countryList = undefined));
export function countries(): Promise<PlaceSummary[]> {
  if (!countryList) {
    countryList = get<PlaceSummary[]>('/places?level=0&limit=100');
    countryList.catch(() => (countryList = undefined));
  }
  return countryList;
}

export const placeName = (unit: Pick<PlaceSummary, 'nameEn' | 'nameAr'>, lang: 'en' | 'ar') => (lang === 'ar' && unit.nameAr ? unit.nameAr : unit.nameEn);

const actors = new Map<string, Promise<ActorView>>();
forgetOnKeyChange(() => actors.clear());
export function actor(id: string): Promise<ActorView> {
  let known = actors.get(id);
  if (!known) {
    known = get<ActorView>(`/actors/${encodeURIComponent(id)}`);
    known.catch(() => actors.delete(id));
    actors.set(id, known);
  }
  return known;
}

/** An actor's name in the interface's language when the registry has one, else its display name. */
export function actorName(view: ActorView | ActorMatch, lang: 'en' | 'ar'): string {
  const names = 'names' in view ? view.names : [];
  const primary = names.find((name) => name.language === lang && name.kind === 'primary');
  return primary?.value ?? view.displayName ?? names[0]?.value ?? view.id;
}
