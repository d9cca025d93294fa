import fc from 'fast-check';
import type { ApiSurface, Schema } from './api-surface.js';
import { foreignKey, hostileJson, jsonType, toPlain } from './hostile-values.js';
import type { Subjects } from './world.js';

/**
 * One field of a valid body spoiled: given a hostile value, a value of another type, a value its
 * name suggests that breaks a rule further in (a date after today, a link to itself, a p-code that
 * does not exist), taken away, put in a list, or joined by a field no body has. The change is
 * chosen by indices into the body's places, so it applies to whatever body the case starts from.
 */

export type Path = (string | number)[];

/** Every place in the body: its fields and list items, nested ones included. */
export function pathsIn(value: unknown, path: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [path];
  const places = Object.entries(value).map(([key, item]) => pathsIn(item, [...path, Array.isArray(value) ? Number(key) : key]));
  return [path, ...places.flat()];
}

const at = (body: unknown, path: Path): any => path.reduce<any>((value, key) => value?.[key], body);
const fieldOf = (path: Path) => String(path.findLast((key) => typeof key === 'string') ?? '');

export interface Mutation {
  /** What was done, for the failure report. */
  describe: string;
  /** True when the result is refused whatever else the body holds: a field no body has, a value of the wrong JSON type. */
  mustBeRefused: boolean;
}

type Apply = (body: any, context: MutationContext) => Mutation | undefined;

export interface MutationContext {
  surface: ApiSurface;
  /** The body's schema, to know which fields may be null. */
  schema: string;
  subjects: Subjects;
}

/** Values a field's name suggests, at the edges of its rules and past them, some of them real. */
function suited(field: string, subjects: Subjects): unknown[] | undefined {
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const dates = ['2020-07-31', '2020-08-01', today, tomorrow, '2999-01-01', '0001-01-01', '0000-01-01', '9999-12-31', '2020-02-29', '2021-02-29', '1900-02-29'];
  const counts = [0, 1, 2, 3, 10_000_000, 10_000_001, -1, 2.5, 1e308];
  const byField: Record<string, unknown[]> = {
    from: dates,
    to: dates,
    publishedOn: dates,
    incidentId: [subjects.incident.id, subjects.otherIncidentId, '00000000-0000-0000-0000-000000000000'],
    actorId: [subjects.actor.id, subjects.otherActorId, subjects.incident.id, '5d1c48a4-0003-4000-8000-000000000001'],
    survivorId: [subjects.actor.id, subjects.otherActorId, subjects.incident.id],
    sourceId: [...subjects.incident.sourceIds, subjects.incident.id, '5d1c48a4-0002-4000-8000-000000000001'],
    sourceIds: [[], subjects.incident.sourceIds, [...subjects.incident.sourceIds, ...subjects.incident.sourceIds], [subjects.incident.id]],
    low: counts,
    best: counts,
    high: counts,
    deaths: counts,
    acledInter: [0, 1, 8, 9, 4.5],
    credibility: [0, 1, 6, 7],
    latitude: [-90, 90, 90.0001, 0, 33.31, 36, Number.MIN_VALUE],
    longitude: [-180, 180, 180.5, 0, 44.36, 40, -0],
    admin1: ['SY09', 'SY01', 'SY99', 'SY0902', 'IQ01'],
    admin2: ['SY0902', 'SY0101', 'SY0999', 'SY09'],
    admin3: ['SY090200', 'SY090201', 'SY099999', 'SY0902'],
    countryCode: ['SY', 'IQ', 'XX', 'ZZ', 'TR'],
    language: ['ar', 'en', 'ckb', 'zh-Hant-TW', 'x-klingon', 'ar-SY-u-nu-arab'],
    name: ['Tribe', 'الشيخ', 'ال', 'الـــ', '\u064b\u064b', '\u200f', subjects.incident.actors[0]?.name, 'x'.repeat(500)],
    value: ['Tribe', 'الشيخ', 'ال', 'الـــ', '\u064b\u064b', '\u200f', subjects.actor.alias.value, 'x'.repeat(500)],
    role: ['victim', 'perpetrator', 'speaker', 'bystander'],
    relation: ['refers_to', 'duplicate_of', 'part_of', 'leader_of', 'member_of', 'cousin_of'],
    kind: ['primary', 'alias', 'tribe', 'person', 'unidentified', 'nation'],
    category: ['assassination', 'statement', 'territorial_change', 'massacre'],
    precision: ['day', 'week', 'month', 'year', 'point', 'locality', 'region', 'decade'],
    url: ['https://example.org/enab-baladi/2020/08/hafl', 'https://npasyria.com/', 'http://localhost:99999', 'javascript:alert(1)', `https://example.org/${'a'.repeat(2100)}`],
    reliability: ['A', 'F', 'G'],
    access: ['first_hand', 'relayed', 'rumour'],
  };
  return byField[field];
}

/** The schema of the property at `path` in a body of `schema`, through $ref, allOf and list items. */
function propertySchema(surface: ApiSurface, schema: string, path: Path): Schema | undefined {
  let node: Schema | undefined = surface.schemas[schema];
  const resolve = (value: Schema | undefined): Schema | undefined => {
    if (!value) return undefined;
    const ref = value.$ref ?? value.allOf?.find((part: Schema) => part.$ref)?.$ref;
    return ref ? { ...surface.schemas[String(ref).split('/').at(-1)!], nullable: value.nullable } : value;
  };
  for (const key of path) {
    if (!node) return undefined;
    if (typeof key === 'number') node = resolve(node.items);
    else node = node.properties?.[key] ? { ...resolve(node.properties[key]), nullable: node.properties[key].nullable } : undefined;
  }
  return node;
}

const replacement = fc.oneof(
  { weight: 3, arbitrary: hostileJson([], 2).map(toPlain) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, '', ' ', 'x', {}, [], [{}], ['x'], { text: 'x', language: 'en' }) },
);

const mutations: fc.Arbitrary<Apply>[] = [
  // A value its name suggests: past a rule further in.
  fc.tuple(fc.nat(), fc.nat()).map(([pick, choice]): Apply => (body, { subjects }) => {
    const fields = pathsIn(body).filter((path) => path.length > 0 && suited(fieldOf(path), subjects)?.length);
    if (fields.length === 0) return undefined;
    const path = fields[pick % fields.length]!;
    const values = suited(fieldOf(path), subjects)!;
    const value = values[choice % values.length];
    // The name applies to the field, not to the items of a list under it.
    if (typeof path.at(-1) === 'number' && Array.isArray(value)) return undefined;
    at(body, path.slice(0, -1))[path.at(-1)!] = structuredCloneOf(value);
    return { describe: `${path.join('.')} = ${JSON.stringify(value)?.slice(0, 80)}`, mustBeRefused: false };
  }),
  // Any hostile value. Of another JSON type than the valid one, it must be refused: no field takes
  // two types, but null where the schema says so, and whatever takes the place of a null.
  fc.tuple(fc.nat(), replacement).map(([pick, hostile]): Apply => (body, { surface, schema }) => {
    const paths = pathsIn(body).filter((path) => path.length > 0);
    const path = paths[pick % paths.length]!;
    const before = at(body, path);
    const value = structuredCloneOf(hostile) ?? null; // as it goes on the wire: Infinity is null there
    at(body, path.slice(0, -1))[path.at(-1)!] = value;
    const nullable = value === null && propertySchema(surface, schema, path)?.nullable === true;
    const mustBeRefused = before !== null && jsonType(before) !== jsonType(value) && !nullable;
    return { describe: `${path.join('.')} = ${JSON.stringify(value)?.slice(0, 80)}`, mustBeRefused };
  }),
  // Taken away.
  fc.nat().map((pick): Apply => (body) => {
    const paths = pathsIn(body).filter((path) => path.length > 0);
    const path = paths[pick % paths.length]!;
    const parent = at(body, path.slice(0, -1));
    if (Array.isArray(parent)) parent.splice(path.at(-1) as number, 1);
    else delete parent[path.at(-1)!];
    return { describe: `without ${path.join('.')}`, mustBeRefused: false };
  }),
  // A value put in a list: a list of sources for a source, a list for a text.
  fc.nat().map((pick): Apply => (body) => {
    const paths = pathsIn(body).filter((path) => path.length > 0 && !Array.isArray(at(body, path)));
    if (paths.length === 0) return undefined;
    const path = paths[pick % paths.length]!;
    at(body, path.slice(0, -1))[path.at(-1)!] = [at(body, path)];
    return { describe: `${path.join('.')} in a list`, mustBeRefused: true };
  }),
  // A field no body has, in any object of the body.
  fc.tuple(fc.nat(), foreignKey, replacement).map(([pick, key, value]): Apply => (body) => {
    const objects = pathsIn(body).filter((path) => jsonType(at(body, path)) === 'object');
    const path = objects[pick % objects.length]!;
    Object.defineProperty(at(body, path), key, { value, enumerable: true, writable: true, configurable: true });
    return { describe: `${[...path, key].join('.')} added`, mustBeRefused: true };
  }),
  // A list emptied, doubled, or grown past any limit.
  fc.tuple(fc.nat(), fc.constantFrom(0, 2, 21, 51, 101, 201, 1001)).map(([pick, length]): Apply => (body) => {
    const lists = pathsIn(body).filter((path) => Array.isArray(at(body, path)));
    if (lists.length === 0) return undefined;
    const path = lists[pick % lists.length]!;
    const list = at(body, path) as unknown[];
    const item = list[0] ?? 'x';
    list.length = 0;
    for (let i = 0; i < length; i++) list.push(structuredCloneOf(item));
    return { describe: `${path.join('.')} with ${length} items`, mustBeRefused: false };
  }),
];

const KINDS = ['a value its name suggests', 'a hostile value', 'taken away', 'put in a list', 'a field no body has', 'a list resized'];

/** A counterexample shows which kind of change it was; the failure names the field and the value (Mutation.describe). */
const named = (kind: number) =>
  mutations[kind]!.map((apply): Apply => Object.assign((body: any, context: MutationContext) => apply(body, context), { [fc.toStringMethod]: () => KINDS[kind]! }));

export const mutation: fc.Arbitrary<Apply> = fc.oneof(
  { weight: 4, arbitrary: named(0) },
  { weight: 4, arbitrary: named(1) },
  { weight: 2, arbitrary: named(2) },
  { weight: 1, arbitrary: named(3) },
  { weight: 1, arbitrary: named(4) },
  { weight: 1, arbitrary: named(5) },
);

/** A copy in this realm (Jest's structuredClone makes objects of another, which the API's pipe treats apart). */
function structuredCloneOf<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}
