import { describe, expect, it } from '@jest/globals';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
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
import { assassinationBody as assassination } from './testing/worked-example-body.js';

/** Validates as the global ValidationPipe does, and lists each bad field as `sources[0].url`. */
async function errorsOf(dto: ClassConstructor<object>, body: unknown): Promise<{ path: string; messages: string[] }[]> {
  const errors = await validate(plainToInstance(dto, body) as object, { whitelist: true, forbidNonWhitelisted: true });
  return flatten(errors, '');
}

function flatten(errors: ValidationError[], parent: string): { path: string; messages: string[] }[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = error.constraints ? [{ path, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

const pathsOf = async (dto: ClassConstructor<object>, body: unknown) => (await errorsOf(dto, body)).map((e) => e.path);

describe('RecordIncidentDto', () => {
  it('accepts the worked-example assassination', async () => {
    expect(await errorsOf(RecordIncidentDto, assassination())).toEqual([]);
  });

  it('accepts the Coalition statement with its quote, translation and grading', async () => {
    const body = assassination();
    body.category = 'statement';
    body.sources[0] = {
      ...body.sources[0],
      access: 'first_hand',
      url: 'https://npasyria.com/',
      quote: { text: 'نعمل مع شركائنا لضمان محاسبة مرتكبي هذه الأعمال الإرهابية البشعة', language: 'ar' },
      quoteTranslations: [
        { text: 'We work with our partners to ensure the perpetrators are held accountable.', language: 'en' },
      ],
      reliability: 'B',
      credibility: 2,
    };
    body.place = {
      name: 'الباغوز',
      countryCode: 'SY',
      admin1: 'SY09',
      admin2: 'SY0902',
      latitude: 34.43221,
      longitude: 40.99226,
      precision: 'locality',
    };
    expect(await errorsOf(RecordIncidentDto, body)).toEqual([]);
  });

  it('accepts an incident with no known actor, count or end date', async () => {
    const body = assassination();
    body.actors = [];
    delete body.fatalities;
    delete body.occurred.to;
    expect(await errorsOf(RecordIncidentDto, body)).toEqual([]);
  });

  // Objects, not tuples: a test function with more parameters than a row has is handed `done`.
  const refusals: { name: string; spoil: (body: any) => unknown; path: string; message?: string }[] = [
    { name: 'latitude 200', spoil: (b) => Object.assign(b.place, { latitude: 200, longitude: 40 }), path: 'place.latitude' },
    { name: 'longitude -181', spoil: (b) => Object.assign(b.place, { latitude: 34, longitude: -181 }), path: 'place.longitude' },
    { name: 'a longitude without a latitude', spoil: (b) => (b.place.longitude = 40.9), path: 'place.latitude' },
    {
      name: 'low > high',
      spoil: (b) => (b.fatalities = { low: 5, best: 3, high: 2 }),
      path: 'fatalities.low',
      message: 'low must be <= best <= high',
    },
    {
      name: 'best > high',
      spoil: (b) => (b.fatalities = { low: 1, best: 3, high: 2 }),
      path: 'fatalities.low',
      message: 'low must be <= best <= high',
    },
    { name: 'a negative count', spoil: (b) => (b.fatalities.low = -1), path: 'fatalities.low' },
    {
      name: 'a list inside the list of sources',
      spoil: (b) => (b.sources = [b.sources]),
      path: 'sources',
      message: 'each value in sources must be an object',
    },
    { name: 'a list of actors for an actor', spoil: (b) => (b.actors = [b.actors]), path: 'actors', message: 'each value in actors must be an object' },
    { name: 'a quote that is a list', spoil: (b) => (b.sources[0].quote = [{ text: 'x', language: 'ar' }]), path: 'sources[0].quote', message: 'quote must be an object' },
    {
      name: 'a split by party that is not a list of objects',
      spoil: (b) => (b.fatalities.byParty = [[{ party: 'civilians', deaths: 2 }]]),
      path: 'fatalities.byParty',
      message: 'each value in byParty must be an object',
    },
    {
      name: 'an external id under a key that is not a data set name',
      spoil: (b) => (b.externalIds = { 'UCDP GED': '1' }),
      path: 'externalIds',
    },
    { name: 'an external id that is not text', spoil: (b) => (b.externalIds = { 'ucdp-ged': 230050 }), path: 'externalIds', message: 'externalIds.ucdp-ged must be a string' },
    { name: 'a fractional count', spoil: (b) => (b.fatalities.high = 2.5), path: 'fatalities.high' },
    {
      name: 'an unknown category',
      spoil: (b) => (b.category = 'massacre-ish'),
      path: 'category',
      message: 'category must be one of the incident categories',
    },
    {
      name: '2020-02-30',
      spoil: (b) => (b.occurred.from = '2020-02-30'),
      path: 'occurred.from',
      message: 'from must be a real calendar date (YYYY-MM-DD)',
    },
    { name: 'a date with a time', spoil: (b) => (b.occurred.to = '2020-08-01T00:00:00Z'), path: 'occurred.to' },
    {
      name: 'a range ending before it starts',
      spoil: (b) => (b.occurred.to = '2020-07-25'),
      path: 'occurred.to',
      message: 'to must not be before from',
    },
    { name: 'an unknown precision', spoil: (b) => (b.occurred.precision = 'decade'), path: 'occurred.precision' },
    { name: 'a missing source list', spoil: (b) => delete b.sources, path: 'sources' },
    {
      name: 'an empty source list',
      spoil: (b) => (b.sources = []),
      path: 'sources',
      message: 'an incident needs at least one source',
    },
    {
      name: 'an unknown field',
      spoil: (b) => (b.colour = 'red'),
      path: 'colour',
      message: 'property colour should not exist',
    },
    { name: 'a nested unknown field', spoil: (b) => (b.sources[0].secret = 'x'), path: 'sources[0].secret' },
    {
      name: 'a source id: the server assigns them',
      spoil: (b) => (b.sources[0].id = '5d1c48a4-0002-4000-8000-000000000001'),
      path: 'sources[0].id',
    },
    {
      name: 'an actor with neither id nor name',
      spoil: (b) => (b.actors[1] = { role: 'perpetrator' }),
      path: 'actors[1].name',
      message: 'an actor needs an actorId or a name',
    },
    {
      name: 'an actor id that is not a UUID',
      spoil: (b) => (b.actors[0].actorId = 'al-hafl'),
      path: 'actors[0].actorId',
    },
    { name: 'an unknown role', spoil: (b) => (b.actors[0].role = 'bystander'), path: 'actors[0].role' },
    {
      name: 'a blank title',
      spoil: (b) => (b.title.text = '   '),
      path: 'title.text',
      message: 'text must not be blank',
    },
    {
      name: 'a title over 500 characters',
      spoil: (b) => (b.title.text = 'ا'.repeat(501)),
      path: 'title.text',
      message: 'text must be at most 500 characters',
    },
    {
      name: 'a NUL character',
      spoil: (b) => (b.summary.text = 'nul \u0000 here'),
      path: 'summary.text',
      message: 'text must not contain NUL characters',
    },
    { name: 'a language that is not a tag', spoil: (b) => (b.title.language = 'Arabic'), path: 'title.language' },
    {
      name: 'a translation with neither title nor summary',
      spoil: (b) => (b.translations = [{ language: 'en' }]),
      path: 'translations[0].title',
      message: 'a translation needs a title or a summary',
    },
    { name: 'a lower-case country code', spoil: (b) => (b.place.countryCode = 'sy'), path: 'place.countryCode' },
    { name: 'a p-code that is a name', spoil: (b) => (b.place.admin1 = 'Deir ez-Zor'), path: 'place.admin1' },
    { name: 'an unknown place precision', spoil: (b) => (b.place.precision = 'street'), path: 'place.precision' },
    { name: 'a url that is not one', spoil: (b) => (b.sources[0].url = 'npasyria dot com'), path: 'sources[0].url' },
    {
      name: 'a publication date not on the calendar',
      spoil: (b) => (b.sources[0].publishedOn = '2019-02-29'),
      path: 'sources[0].publishedOn',
    },
    { name: 'reliability G', spoil: (b) => (b.sources[0].reliability = 'G'), path: 'sources[0].reliability' },
    { name: 'credibility 7', spoil: (b) => (b.sources[0].credibility = 7), path: 'sources[0].credibility' },
    { name: 'an unknown access', spoil: (b) => (b.sources[0].access = 'rumour'), path: 'sources[0].access' },
    {
      name: 'a related id that is not a UUID',
      spoil: (b) => (b.related[0].incidentId = '2'),
      path: 'related[0].incidentId',
    },
    {
      name: 'a blank tag',
      spoil: (b) => (b.tags = ['ok', ' ']),
      path: 'tags',
      message: 'each value in tags must not be blank',
    },
    { name: 'null for an optional field', spoil: (b) => (b.summary = null), path: 'summary' },
    { name: 'a place that is a list', spoil: (b) => (b.place = []), path: 'place' },
    {
      name: 'half of a surrogate pair, which jsonb cannot store',
      spoil: (b) => (b.title.text = 'اغتيال \ud800'),
      path: 'title.text',
      message: 'text must be well-formed Unicode (it holds half of a surrogate pair)',
    },
  ];

  it.each(refusals)('refuses $name, on the field that is wrong', async ({ spoil, path, message }) => {
    const body = assassination();
    spoil(body);
    const errors = await errorsOf(RecordIncidentDto, body);
    expect(errors.map((error) => error.path)).toEqual([path]);
    if (message) expect(errors[0].messages).toContain(message);
  });

  it('reports a wrong type on the count alone, not as a misordering too', async () => {
    const body = assassination();
    body.fatalities.best = 'two';
    expect(await pathsOf(RecordIncidentDto, body)).toEqual(['fatalities.best']);
  });

  it('reports every bad field at once', async () => {
    const body = assassination();
    Object.assign(body.place, { latitude: 200, longitude: 40 });
    body.category = 'nope';
    expect((await pathsOf(RecordIncidentDto, body)).sort()).toEqual(['category', 'place.latitude']);
  });
});

describe('CorrectIncidentDto', () => {
  it('accepts a date pinned down to a day, without `to`', async () => {
    const body = {
      changes: { occurred: { from: '2020-07-31', precision: 'day' } },
      reason: 'A second report dates the killing to 31 July.',
    };
    expect(await errorsOf(CorrectIncidentDto, body)).toEqual([]);
  });

  it('accepts null for summary and notes, which clears them', async () => {
    expect(await errorsOf(CorrectIncidentDto, { changes: { summary: null, notes: null }, reason: 'x' })).toEqual([]);
  });

  it.each([
    ['a null category', { changes: { category: null }, reason: 'x' }, 'changes.category'],
    ['an unknown field among the changes', { changes: { status: 'verified' }, reason: 'x' }, 'changes.status'],
    ['no reason', { changes: { tags: ['x'] } }, 'reason'],
    ['a source id that is not a UUID', { changes: { tags: ['x'] }, reason: 'x', sourceId: 'north-press' }, 'sourceId'],
    ['no changes object', { reason: 'x' }, 'changes'],
  ])('refuses %s', async (_, body, path) => {
    expect(await pathsOf(CorrectIncidentDto, body)).toEqual([path]);
  });
});

describe('the other command bodies', () => {
  it.each([
    [ReviseFatalitiesDto, { fatalities: { low: 2, best: 2, high: 3 }, reason: 'A third person may have died.' }],
    [ReviseFatalitiesDto, { fatalities: null, reason: 'Unknown after all.' }],
    [
      AttachSourceDto,
      { outlet: 'Enab Baladi', url: 'https://example.org/enab-baladi/2020/08/hafl', language: 'ar', access: 'relayed' },
    ],
    [AddActorDto, { actor: { name: 'عشيرة العكيدات', role: 'target' } }],
    [
      AddActorDto,
      {
        actor: { actorId: '5d1c48a4-0003-4000-8000-000000000001', role: 'victim' },
        sourceId: '5d1c48a4-0002-4000-8000-000000000001',
      },
    ],
    [RemoveActorDto, { actor: { name: 'عشيرة العكيدات', role: 'target' }, reason: 'The tribe was not itself targeted.' }],
    [LinkIncidentDto, { incidentId: '5d1c48a4-0001-4000-8000-000000000002', relation: 'part_of' }],
    [VerifyIncidentDto, {}],
    [VerifyIncidentDto, { sourceIds: ['5d1c48a4-0002-4000-8000-000000000001'], note: 'Confirmed by two outlets.' }],
    [RetractIncidentDto, { reason: 'Duplicate of another record.' }],
  ] as [ClassConstructor<object>, object][])('%p accepts %j', async (dto, body) => {
    expect(await errorsOf(dto, body)).toEqual([]);
  });

  it.each([
    [ReviseFatalitiesDto, { reason: 'x' }, 'fatalities'],
    [ReviseFatalitiesDto, { fatalities: { low: 3, best: 2, high: 2 }, reason: 'x' }, 'fatalities.low'],
    [AttachSourceDto, { outlet: 'Enab Baladi', language: 'ar', access: 'relayed', id: 'mine' }, 'id'],
    [AddActorDto, { actor: { role: 'target' } }, 'actor.name'],
    [RemoveActorDto, { actor: { name: 'x', role: 'target', affiliation: 'y' }, reason: 'x' }, 'actor.affiliation'],
    [LinkIncidentDto, { incidentId: '5d1c48a4-0001-4000-8000-000000000002', relation: 'cousin_of' }, 'relation'],
    [VerifyIncidentDto, { sourceIds: [] }, 'sourceIds'],
    [VerifyIncidentDto, { sourceIds: ['north-press'] }, 'sourceIds'],
    [RetractIncidentDto, { reason: '' }, 'reason'],
  ] as [ClassConstructor<object>, object, string][])('%p refuses %j at %s', async (dto, body, path) => {
    expect(await pathsOf(dto, body)).toEqual([path]);
  });
});
