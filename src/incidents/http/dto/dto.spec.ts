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
import { RECORD_INCIDENT_REFUSALS } from './testing/record-incident-refusals.js';
import { assassinationBody as assassination, statementBody, unknownsBody } from './testing/worked-example-body.js';

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
    expect(await errorsOf(RecordIncidentDto, statementBody())).toEqual([]);
  });

  it('accepts an incident with no known actor, count or end date', async () => {
    expect(await errorsOf(RecordIncidentDto, unknownsBody())).toEqual([]);
  });


  it.each(RECORD_INCIDENT_REFUSALS)('refuses $name, on the field that is wrong', async ({ spoil, path, message }) => {
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
