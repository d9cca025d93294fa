import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { decide, initialState } from '../../domain/index.js';
import {
  AttachSourceDto,
  CorrectIncidentDto,
  RecordIncidentDto,
  RemoveActorDto,
  ReviseFatalitiesDto,
  VerifyIncidentDto,
} from './index.js';
import {
  toAttachSource,
  toCorrectIncident,
  toRecordIncident,
  toRemoveActor,
  toReviseFatalities,
  toVerifyIncident,
} from './to-command.js';
import { assassinationBody } from './testing/worked-example-body.js';

const ID = '5d1c48a4-0001-4000-8000-000000000001';
const SOURCE_ID = '5d1c48a4-0002-4000-8000-000000000001';

/** True when no class instance hides anywhere inside: what a command and its events must be. */
function isPlainData(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== Array.prototype) return false;
  return Object.values(value).every(isPlainData);
}

describe('toRecordIncident', () => {
  const dto = plainToInstance(RecordIncidentDto, assassinationBody());
  const command = toRecordIncident(dto, { id: ID, newSourceId: () => SOURCE_ID });

  it('gives the incident its id and each source a new one, and copies the rest as sent', () => {
    const { sources, ...rest } = assassinationBody();
    expect(command).toEqual({
      type: 'RecordIncident',
      data: { id: ID, ...rest, sources: sources.map((source: object) => ({ id: SOURCE_ID, ...source })) },
    });
  });

  it('is plain data, with no DTO instance inside', () => {
    expect(isPlainData(dto)).toBe(false);
    expect(isPlainData(command)).toBe(true);
  });

  it('is a command the decider records', () => {
    const events = decide(command, initialState(), { now: new Date('2020-08-08T15:00:00Z') });
    expect(events).toMatchObject([{ type: 'incident.recorded', data: { id: ID, occurred: { to: '2020-08-01' } } }]);
  });

  it('leaves out what the client left out', () => {
    const body = assassinationBody();
    delete body.summary;
    delete body.fatalities;
    const { data } = toRecordIncident(plainToInstance(RecordIncidentDto, body), { id: ID, newSourceId: () => SOURCE_ID });
    expect(Object.keys(data)).not.toEqual(expect.arrayContaining(['summary']));
    expect(Object.keys(data)).not.toEqual(expect.arrayContaining(['fatalities']));
  });
});

describe('the other mappings', () => {
  it('keeps null where it clears a field, and drops what was not sent', () => {
    const dto = plainToInstance(CorrectIncidentDto, { changes: { summary: null, tags: ['x'] }, reason: 'Recoded.' });
    expect(toCorrectIncident(dto)).toEqual({
      type: 'CorrectIncident',
      data: { changes: { summary: null, tags: ['x'] }, reason: 'Recoded.' },
    });
  });

  it('turns fatalities null into an unknown count', () => {
    const dto = plainToInstance(ReviseFatalitiesDto, { fatalities: null, reason: 'Unknown after all.' });
    expect(toReviseFatalities(dto)).toEqual({
      type: 'ReviseFatalities',
      data: { fatalities: null, reason: 'Unknown after all.' },
    });
  });

  it('gives an attached source its id', () => {
    const dto = plainToInstance(AttachSourceDto, { outlet: 'Enab Baladi', language: 'ar', access: 'relayed' });
    expect(toAttachSource(dto, { newSourceId: () => SOURCE_ID })).toEqual({
      type: 'AttachSource',
      data: { source: { id: SOURCE_ID, outlet: 'Enab Baladi', language: 'ar', access: 'relayed' } },
    });
  });

  it('names the actor to remove by identity only', () => {
    const body = { actor: { name: 'عشيرة العكيدات', role: 'target' }, reason: 'Not targeted.' };
    const dto = plainToInstance(RemoveActorDto, body);
    expect(toRemoveActor(dto)).toEqual({
      type: 'RemoveActor',
      data: { actor: { name: 'عشيرة العكيدات', role: 'target' }, reason: 'Not targeted.' },
    });
  });

  it('verifies on all sources when none is named', () => {
    expect(toVerifyIncident(plainToInstance(VerifyIncidentDto, {}))).toEqual({ type: 'VerifyIncident', data: {} });
  });
});
