import { describe, expect, it } from '@jest/globals';
import { ValidationPipe } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import fc from 'fast-check';
import { bodyShapeProblems } from '../../../common/http/request-bodies.js';
import { RequestValidationError } from '../../../common/problem.js';
import {
  ACTOR_ROLES,
  DATE_PRECISIONS,
  INCIDENT_CATEGORIES,
  INCIDENT_RELATIONS,
  PLACE_PRECISIONS,
  SOURCE_ACCESS,
  SOURCE_CREDIBILITY,
  SOURCE_RELIABILITY,
} from '../../domain/index.js';
import { acceptorFor, ApiValidationPipe, bodyValidator, recordIncidentValidator, type BodyCheck } from './fast-validation.js';
import {
  AddActorDto,
  AttachSourceDto,
  CorrectIncidentDto,
  LinkIncidentDto,
  RecordIncidentDto,
  RemoveActorDto,
  RetractIncidentDto,
  ReviseFatalitiesDto,
  VerifyIncidentDto,
} from './index.js';
import { toRecordIncident } from './to-command.js';
import { RECORD_INCIDENT_REFUSALS } from './testing/record-incident-refusals.js';
import { assassinationBody as assassination, statementBody, unknownsBody } from './testing/worked-example-body.js';

/** The oracle: the API's own pipe, built with the options of src/app.ts, after its check of the body's shape. */
const apiPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  exceptionFactory: RequestValidationError.fromValidationErrors,
});

async function viaTheApi(dto: ClassConstructor<object>, body: unknown): Promise<BodyCheck<object>> {
  const shape = bodyShapeProblems(body);
  if (shape.length > 0) return { ok: false, errors: shape };
  try {
    return { ok: true, value: await apiPipe.transform(body, { type: 'body', metatype: dto }) };
  } catch (error) {
    if (error instanceof RequestValidationError) return { ok: false, errors: error.problem.errors! };
    throw error;
  }
}

/** What a handler reads from a DTO: its fields, whatever its class. */
function fieldsOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fieldsOf);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fieldsOf(item)]));
}

/** The command a handler would make, or why it could not. */
function commandOf(dto: object): unknown {
  try {
    return toRecordIncident(dto as RecordIncidentDto, ids);
  } catch (error) {
    return String(error);
  }
}
const ids = { id: '5d1c48a4-0001-4000-8000-000000000001', newSourceId: () => '5d1c48a4-0002-4000-8000-000000000001' };
const validators = new Map<ClassConstructor<object>, (body: unknown) => BodyCheck<object>>([
  [RecordIncidentDto, recordIncidentValidator()],
]);
const validatorOf = (dto: ClassConstructor<object>) => {
  if (!validators.has(dto)) validators.set(dto, bodyValidator(dto));
  return validators.get(dto)!;
};
const acceptors = new Map<Function, (body: unknown) => boolean>();
const acceptorOf = (dto: Function) => {
  if (!acceptors.has(dto)) acceptors.set(dto, acceptorFor(dto));
  return acceptors.get(dto)!;
};

/**
 * A deep copy keeping holes, undefined, own __proto__ keys and prototypes. Not structuredClone:
 * under Jest that builds objects of another realm, which the fast path leaves to the pipeline.
 */
function clone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value) as T;
  const copy: any = Array.isArray(value) ? new Array(value.length) : Object.create(Object.getPrototypeOf(value));
  for (const key of Object.keys(value)) {
    Object.defineProperty(copy, key, { value: clone((value as any)[key]), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** Both pipelines mutate what they are given (Nest strips keys), so each judges its own copy. */
async function expectTheApisVerdict(dto: ClassConstructor<object>, body: unknown): Promise<{ ok: boolean; fast: boolean }> {
  const real = await viaTheApi(dto, clone(body));
  const fast = acceptorOf(dto)(clone(body));
  const check = validatorOf(dto)(clone(body));
  if (fast) expect(real).toMatchObject({ ok: true }); // the one direction that must never go wrong
  expect(check.ok).toBe(real.ok);
  if (!real.ok) expect(check).toEqual(real);
  else {
    const value = (check as { value: object }).value;
    expect(fieldsOf(value)).toStrictEqual(fieldsOf(real.value));
    if (dto === RecordIncidentDto) expect(commandOf(value)).toStrictEqual(commandOf(real.value));
  }
  return { ok: real.ok, fast };
}

/** Every optional field given, so that mutations reach every rule. */
const everything = () => {
  const body = statementBody();
  body.translations = [{ language: 'en', title: 'Assassination', summary: 'Killed.' }, { language: 'fr', summary: 'Tué.' }];
  body.place.admin3 = 'SY090200';
  body.actors.push({ actorId: '5d1c48a4-0003-4000-8000-000000000001', role: 'perpetrator' });
  body.fatalities = { low: 1, best: 2, high: 3, byParty: [{ party: 'civilians', deaths: 2 }] };
  body.sources.push({ outlet: 'Enab Baladi', language: 'ar', access: 'relayed', url: 'http://example.org/a?b=c' });
  body.related.push({ incidentId: '5d1c48a4-0001-4000-8000-000000000003', relation: 'part_of' });
  body.externalIds = { 'ucdp-ged': '230050', acled: 'SYR1234' };
  return body;
};

/** dto.spec.ts's refusals, and two faults at once. */
const spoils: ((b: any) => unknown)[] = [
  ...RECORD_INCIDENT_REFUSALS.map(({ spoil }) => spoil),
  (b) => {
    Object.assign(b.place, { latitude: 200, longitude: 40 });
    b.category = 'nope';
  },
];

/** Bodies no JSON parser makes, or that Nest and class-transformer quietly reshape. */
const oddities: [string, () => unknown][] = [
  ['null', () => null],
  ['undefined', () => undefined],
  ['a list', () => []],
  ['a string', () => 'incident'],
  ['a number', () => 5],
  ['an empty object', () => ({})],
  ['an own __proto__ key', () => Object.assign(JSON.parse('{"__proto__": {"x": 1}}'), assassination())],
  ['a constructor key', () => ({ ...assassination(), constructor: 'x' })],
  ['a prototype key', () => ({ ...assassination(), prototype: 'x' })],
  ['a toString key', () => ({ ...assassination(), toString: 'x' })],
  ['a nested valueOf key', () => ({ ...assassination(), place: { ...assassination().place, valueOf: 1 } })],
  ['an external id keyed constructor', () => ({ ...assassination(), externalIds: { constructor: '1' } })],
  ['a quote that is a list', () => ({ ...assassination(), sources: [{ ...assassination().sources[0], quote: [] }] })],
  ['a list with a hole', () => ({ ...assassination(), tags: [, 'x'] })],
  ['a list with undefined', () => ({ ...assassination(), sources: [undefined] })],
  ['a prototype-less body', () => Object.assign(Object.create(null), assassination())],
  ['a Date', () => ({ ...assassination(), occurred: { ...assassination().occurred, from: new Date(0) } })],
];

describe('recordIncidentValidator', () => {
  it.each([
    ['the worked example', assassination],
    ['the statement', statementBody],
    ['the unknowns', unknownsBody],
    ['every optional field', everything],
  ])('accepts %s on the fast path, with the fields the API would', async (_, body) => {
    expect(await expectTheApisVerdict(RecordIncidentDto, body())).toEqual({ ok: true, fast: true });
  });

  it.each(spoils.map((spoil, index) => [index, spoil] as const))('refuses dto.spec refusal %i as the API does', async (_, spoil) => {
    const body = assassination();
    spoil(body);
    expect(await expectTheApisVerdict(RecordIncidentDto, body)).toMatchObject({ ok: false });
    const full = everything();
    spoil(full);
    await expectTheApisVerdict(RecordIncidentDto, full);
  });

  it.each(oddities)('judges %s as the API does', async (_, body) => {
    await expectTheApisVerdict(RecordIncidentDto, body());
  });

  it('agrees with the API on thousands of spoilt bodies', async () => {
    const tally = { runs: 0, valid: 0, fast: 0, reshaped: 0 };
    const missed: unknown[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(assassination, statementBody, unknownsBody, everything), mutations, async (base, spoilers) => {
        const body = base();
        for (const spoil of spoilers) spoil(body);
        const { ok, fast } = await expectTheApisVerdict(RecordIncidentDto, body);
        tally.runs++;
        if (ok) tally.valid++;
        if (fast) tally.fast++;
        if (ok && !fast && isLeftToThePipeline(body)) tally.reshaped++;
        else if (ok && !fast) missed.push(body);
      }),
      { numRuns: 3000 },
    );
    console.log(
      `spoilt bodies: ${tally.runs} judged, ${tally.valid} valid, ${tally.fast} of those on the fast path, ` +
        `${tally.reshaped} left to the pipeline (a key it drops, a list in a list, an undefined item)`,
    );
    // Not vacuous: many spoilt bodies stay valid, and every valid one takes the fast path but for
    // the shapes it leaves to the pipeline on purpose.
    expect(tally.valid).toBeGreaterThan(tally.runs / 10);
    expect(missed).toEqual([]);
  }, 180_000); // ~20 s alone; the two pipelines run in Jest's VM several times slower than in node

  it('measures bodies per second (printed, not asserted)', async () => {
    const check = recordIncidentValidator();
    const body = assassination();
    const invalid = { ...assassination(), category: 'nope' };
    const rate = (count: number, started: bigint) => Math.round(count / (Number(process.hrtime.bigint() - started) / 1e9));
    const time = (count: number, run: () => unknown) => {
      for (let i = 0; i < count / 10; i++) run();
      const started = process.hrtime.bigint();
      for (let i = 0; i < count; i++) run();
      return rate(count, started);
    };
    const timeAsync = async (count: number, run: () => Promise<unknown>) => {
      for (let i = 0; i < count / 10; i++) await run();
      const started = process.hrtime.bigint();
      for (let i = 0; i < count; i++) await run();
      return rate(count, started);
    };
    const fast = time(50_000, () => check(body));
    // Neither body has a key or a hole that Nest would strip, so both can be judged again and again.
    const api = await timeAsync(3_000, () => viaTheApi(RecordIncidentDto, body));
    const fallback = time(3_000, () => check(invalid));
    const apiInvalid = await timeAsync(3_000, () => viaTheApi(RecordIncidentDto, invalid));
    console.log(
      [
        'worked-example body, bodies/s (under Jest, which slows the pipeline several times more than the fast path):',
        `  fast validator ${fast}`,
        `  the API's ValidationPipe ${api} (x${(fast / api).toFixed(1)})`,
        `invalid body (fallback to the pipeline), bodies/s: fast validator ${fallback}, ValidationPipe ${apiInvalid}`,
      ].join('\n'),
    );
  });
});

describe('ApiValidationPipe, the global pipe', () => {
  const pipe = new ApiValidationPipe();
  const asBody = (metatype: ClassConstructor<object>) => ({ type: 'body' as const, metatype });

  it('passes on a body of POST /incidents that the fast path accepts, unchanged, for the command the API would make', async () => {
    for (const base of [assassination, statementBody, unknownsBody, everything]) {
      const body = base();
      const passed = await pipe.transform(body, asBody(RecordIncidentDto));
      expect(passed).toBe(body);
      const api = (await viaTheApi(RecordIncidentDto, base())) as { value: object };
      expect(commandOf(passed as object)).toStrictEqual(commandOf(api.value));
    }
  });

  it("refuses every spoilt body with the API's own errors", async () => {
    for (const spoil of spoils) {
      const body = assassination();
      spoil(body);
      const api = await viaTheApi(RecordIncidentDto, clone(body));
      const refusal = await pipe.transform(clone(body), asBody(RecordIncidentDto)).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(RequestValidationError);
      expect({ ok: false, errors: (refusal as RequestValidationError).problem.errors }).toEqual(api);
    }
  });

  it('builds the DTO of any other body, as ValidationPipe does', async () => {
    expect(await pipe.transform({ reason: 'A duplicate.' }, asBody(RetractIncidentDto))).toBeInstanceOf(RetractIncidentDto);
  });
});

describe('bodyValidator on the other bodies of dto.spec.ts', () => {
  it.each([
    [CorrectIncidentDto, { changes: { occurred: { from: '2020-07-31', precision: 'day' } }, reason: 'A second report.' }],
    [CorrectIncidentDto, { changes: { summary: null, notes: null }, reason: 'x' }],
    [CorrectIncidentDto, { changes: { category: null }, reason: 'x' }],
    [CorrectIncidentDto, { changes: { status: 'verified' }, reason: 'x' }],
    [CorrectIncidentDto, { changes: { tags: ['x'] } }],
    [CorrectIncidentDto, { changes: { tags: ['x'] }, reason: 'x', sourceId: 'north-press' }],
    [CorrectIncidentDto, { reason: 'x' }],
    [ReviseFatalitiesDto, { fatalities: { low: 2, best: 2, high: 3 }, reason: 'A third person may have died.' }],
    [ReviseFatalitiesDto, { fatalities: null, reason: 'Unknown after all.' }],
    [ReviseFatalitiesDto, { reason: 'x' }],
    [ReviseFatalitiesDto, { fatalities: { low: 3, best: 2, high: 2 }, reason: 'x' }],
    [
      AttachSourceDto,
      { outlet: 'Enab Baladi', url: 'https://example.org/enab-baladi/2020/08/hafl', language: 'ar', access: 'relayed' },
    ],
    [AttachSourceDto, { outlet: 'Enab Baladi', language: 'ar', access: 'relayed', id: 'mine' }],
    [AddActorDto, { actor: { name: 'عشيرة العكيدات', role: 'target' } }],
    [
      AddActorDto,
      {
        actor: { actorId: '5d1c48a4-0003-4000-8000-000000000001', role: 'victim' },
        sourceId: '5d1c48a4-0002-4000-8000-000000000001',
      },
    ],
    [AddActorDto, { actor: { role: 'target' } }],
    [RemoveActorDto, { actor: { name: 'عشيرة العكيدات', role: 'target' }, reason: 'The tribe was not itself targeted.' }],
    [RemoveActorDto, { actor: { name: 'x', role: 'target', affiliation: 'y' }, reason: 'x' }],
    [LinkIncidentDto, { incidentId: '5d1c48a4-0001-4000-8000-000000000002', relation: 'part_of' }],
    [LinkIncidentDto, { incidentId: '5d1c48a4-0001-4000-8000-000000000002', relation: 'cousin_of' }],
    [VerifyIncidentDto, {}],
    [VerifyIncidentDto, { sourceIds: ['5d1c48a4-0002-4000-8000-000000000001'], note: 'Confirmed by two outlets.' }],
    [VerifyIncidentDto, { sourceIds: [] }],
    [VerifyIncidentDto, { sourceIds: ['north-press'] }],
    [RetractIncidentDto, { reason: 'Duplicate of another record.' }],
    [RetractIncidentDto, { reason: '' }],
  ] as [ClassConstructor<object>, object][])('%p judges %j as the API does', async (dto, body) => {
    await expectTheApisVerdict(dto, body);
  });
});

// ---- mutations of valid bodies -------------------------------------------------------------

type Path = (string | number)[];

/** Every place in the body a mutation can reach: fields, list items, and the body itself. */
function pathsIn(value: unknown, path: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [path];
  const places = Object.entries(value).map(([key, item]) => pathsIn(item, [...path, Array.isArray(value) ? Number(key) : key]));
  return [path, ...places.flat()];
}

const at = (body: any, path: Path) => path.reduce((value, key) => value?.[key], body);
const long = (length: number, prefix = '') => prefix + 'a'.repeat(length - prefix.length);

/** Values worth trying in a field, by its name: the edges of its rules, and their neighbours. */
const texts = ['', ' ', '   ', '\u0000', 'nul \u0000 here', 'x', ...[100, 500, 2000, 20_000].flatMap((max) => [long(max), long(max + 1)])];
const dates = [
  ...['2020-07-25', '2020-07-26', '2020-07-27', '2020-08-01', '2020-02-29', '0000-01-01'],
  ...['2021-02-29', '2019-02-29', '2020-02-30', '2020-13-01', '2020-7-1', '2020-08-01T00:00:00Z'],
];
const counts = [-1, 0, 1, 2, 3, 4, 2.5, -0, 1e7, 1e7 + 1, NaN, Infinity, '2'];
const suited: Record<string, unknown[]> = {
  from: dates,
  to: dates,
  publishedOn: dates,
  url: [
    ...['https://npasyria.com/', 'http://localhost', 'http://1.2.3.4:8080/x', 'https://example.org/a?b=c#d', 'HTTPS://EXAMPLE.ORG'],
    ...['ftp://example.org', 'https://', '//example.org', 'example.org', 'javascript:alert(1)', 'https://exa mple.org'],
    ...['npasyria dot com', 'http://localhost:99999', long(2048, 'https://example.org/'), long(2049, 'https://example.org/')],
  ],
  language: ['ar', 'en', 'en-GB', 'zh-Hant-TW', 'Arabic', 'AR', 'e', 'abcd', 'en-', 'en_GB', long(35, 'en-'), long(36, 'en-')],
  actorId: [
    ...['5d1c48a4-0003-4000-8000-000000000001', '5D1C48A4-0003-4000-8000-000000000001', '00000000-0000-0000-0000-000000000000'],
    ...['5d1c48a4-0003-0000-0000-000000000001', 'al-hafl', ''],
  ],
  incidentId: ['5d1c48a4-0001-4000-8000-000000000002', '5d1c48a4000140008000000000000002', '2', ''],
  low: counts,
  best: counts,
  high: counts,
  deaths: counts,
  latitude: [-90, 90, 90.0001, -90.5, 0, 34.43221, '34', null],
  longitude: [-180, 180, 180.5, -181, 0, 40.99226, '40', null],
  credibility: [...SOURCE_CREDIBILITY, 0, 7, '2', 2.5],
  reliability: [...SOURCE_RELIABILITY, 'G', 'a', ''],
  category: [...INCIDENT_CATEGORIES, 'massacre-ish', 'Assassination', ''],
  role: [...ACTOR_ROLES, 'bystander'],
  precision: [...DATE_PRECISIONS, ...PLACE_PRECISIONS, 'decade', 'street'],
  access: [...SOURCE_ACCESS, 'rumour'],
  relation: [...INCIDENT_RELATIONS, 'cousin_of'],
  countryCode: ['SY', 'IQ', 'sy', 'SYR', 'S', ''],
  admin1: ['SY09', 'SY0902', 'SY', 'SY0', 'sy09', 'Deir ez-Zor'],
  admin2: ['SY0902', 'SY09', 'SY0', 'Deir ez-Zor'],
  admin3: ['SY090200', 'SY0', ''],
  externalIds: [{}, { acled: '1' }, { 'ucdp-ged': ' ' }, { UCDP: '1' }, { '-x': '1' }, { constructor: '1' }, { a: 1 }, { a: null }, []],
  ...Object.fromEntries(
    ['text', 'title', 'summary', 'name', 'note', 'notes', 'outlet', 'reporter', 'affiliation', 'medium', 'party', 'tags'].map(
      (field) => [field, texts],
    ),
  ),
};
const anything = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, true, 0, 1, -1, 2.5, '', 'x', {}, [], [{}], ['x'], { text: 'x', language: 'en' }),
  fc.string(),
  fc.integer({ min: -3, max: 12 }),
  fc.double(),
);
const unknownKey = fc.oneof(
  fc.constantFrom('colour', 'id', 'constructor', 'toString', '__proto__', 'prototype', 'valueOf', 'hasOwnProperty'),
  fc.constantFrom('text', 'language', 'name', 'title', 'note', 'ucdp-ged', 'UCDP', 'low'),
  fc.string({ maxLength: 8 }),
);

/** One spoiler: picks a place by index into the body's current places, and changes it. */
const mutation: fc.Arbitrary<(body: any) => void> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat()).map(([pick, choice]) => (body: any) => {
    // A field (or a list item) given a value suited to its name: where rules meet, as `to` and `from`.
    const fieldOf = (path: Path) => String(path.findLast((key) => typeof key === 'string'));
    const fields = pathsIn(body).filter((path) => path.length > 0 && fieldOf(path) in suited);
    const path = fields[pick % fields.length];
    const values = suited[fieldOf(path)];
    at(body, path.slice(0, -1))[path[path.length - 1]] = clone(values[choice % values.length]);
  }),
  // Constants are shared between runs: every value put into a body is a copy.
  fc.tuple(fc.nat(), anything).map(([pick, replacement]) => (body: any) => set(body, pick, () => clone(replacement))),
  fc.nat().map((pick) => (body: any) => remove(body, pick)),
  fc.tuple(fc.nat(), fc.nat()).map(([pick, from]) => (body: any) => {
    const paths = pathsIn(body);
    const copy = clone(at(body, paths[from % paths.length]));
    set(body, pick, () => copy);
  }),
  fc.tuple(fc.nat(), unknownKey, anything).map(([pick, key, extra]) => (body: any) => {
    const isObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
    const objects = pathsIn(body).filter((path) => isObject(at(body, path)));
    const target = at(body, objects[pick % objects.length]);
    Object.defineProperty(target, key, { value: clone(extra), enumerable: true, writable: true, configurable: true });
  }),
  fc.tuple(fc.nat(), fc.constantFrom(0, 1, 20, 21, 50, 51, 100, 101, 200, 201)).map(([pick, length]) => (body: any) => {
    const lists = pathsIn(body).filter((path) => Array.isArray(at(body, path)));
    const list = at(body, lists[pick % lists.length]);
    const item = list[0] ?? 'x';
    list.length = 0;
    for (let i = 0; i < length; i++) list.push(clone(item));
  }),
);
const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

/**
 * What the API accepts but the fast path does not mirror: a key that class-transformer (toString...)
 * drops without a word (__proto__, constructor and prototype are refused before the pipe); a list
 * inside a list of DTOs, which class-validator validates item by item; an undefined item in one,
 * which it skips.
 */
function isLeftToThePipeline(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value) && value.some((item) => Array.isArray(item) || item === undefined)) return true;
  return Object.entries(value).some(([key, item]) => key in Object.prototype || key === 'prototype' || isLeftToThePipeline(item));
}

function set(body: any, pick: number, replacement: () => unknown): void {
  const paths = pathsIn(body).filter((path) => path.length > 0);
  const path = paths[pick % paths.length];
  at(body, path.slice(0, -1))[path[path.length - 1]] = replacement();
}

function remove(body: any, pick: number): void {
  const paths = pathsIn(body).filter((path) => path.length > 0);
  const path = paths[pick % paths.length];
  const parent = at(body, path.slice(0, -1));
  if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
  else delete parent[path[path.length - 1]];
}
