import { describe, expect, it } from '@jest/globals';
import type { DisputeIncident, RetractIncident, VerifyIncident } from './incident.commands.js';
import type { IncidentEvent } from './incident.events.js';
import { given } from './testing/given.js';
import { assassinationRecorded, enabBaladi, IDS } from './testing/worked-example.js';

const verify = (data: VerifyIncident['data'] = {}): VerifyIncident => ({ type: 'VerifyIncident', data });
const dispute = (reason: string): DisputeIncident => ({ type: 'DisputeIncident', data: { reason } });
const retract = (reason: string): RetractIncident => ({ type: 'RetractIncident', data: { reason } });

const enabAttached: IncidentEvent = { type: 'incident.source_attached', data: { source: enabBaladi() } };
const verified: IncidentEvent = { type: 'incident.verified', data: { sourceIds: [IDS.northPress] } };
const disputed: IncidentEvent = { type: 'incident.disputed', data: { reason: 'The family denies the date.' } };
const retracted: IncidentEvent = { type: 'incident.retracted', data: { reason: 'Duplicate of another record.' } };

describe('VerifyIncident', () => {
  it('verifies on every attached source when none is named', () => {
    expect(given(assassinationRecorded(), enabAttached).when(verify({ note: 'Confirmed by two outlets.' }))).toEqual({
      events: [
        {
          type: 'incident.verified',
          data: { sourceIds: [IDS.northPress, IDS.enabBaladi], note: 'Confirmed by two outlets.' },
        },
      ],
    });
  });

  it('verifies on the sources named, once each', () => {
    const command = verify({ sourceIds: [IDS.enabBaladi, IDS.enabBaladi] });
    expect(given(assassinationRecorded(), enabAttached).when(command)).toEqual({
      events: [{ type: 'incident.verified', data: { sourceIds: [IDS.enabBaladi] } }],
    });
  });

  it('resolves a dispute', () => {
    expect(given(assassinationRecorded(), disputed).when(verify())).toEqual({
      events: [{ type: 'incident.verified', data: { sourceIds: [IDS.northPress], resolvesDispute: true } }],
    });
  });

  describe('refuses', () => {
    it('an incident already verified', () => {
      expect(given(assassinationRecorded(), verified).when(verify())).toEqual({ refused: 'already_verified' });
    });

    it('a source that is not attached', () => {
      expect(given(assassinationRecorded()).when(verify({ sourceIds: [IDS.northPress, IDS.enabBaladi] }))).toEqual({
        refused: 'unknown_source',
      });
    });

    it('an incident without a source', () => {
      const sourceless = assassinationRecorded();
      sourceless.data.sources = [];
      expect(given(sourceless).when(verify())).toEqual({ refused: 'no_source' });
    });

    it('an incident never recorded, and a retracted one', () => {
      expect(given().when(verify())).toEqual({ refused: 'not_found' });
      expect(given(assassinationRecorded(), retracted).when(verify())).toEqual({ refused: 'retracted' });
    });
  });
});

describe('DisputeIncident', () => {
  it('disputes an unverified incident', () => {
    expect(given(assassinationRecorded()).when(dispute('The family denies the date.'))).toEqual({
      events: [{ type: 'incident.disputed', data: { reason: 'The family denies the date.' } }],
    });
  });

  it('disputes a verified one', () => {
    expect(given(assassinationRecorded(), verified).when(dispute('Contradicted by local sources.'))).toMatchObject({
      events: [{ type: 'incident.disputed' }],
    });
  });

  describe('refuses', () => {
    it('an incident already disputed', () => {
      expect(given(assassinationRecorded(), disputed).when(dispute('Again.'))).toEqual({ refused: 'already_disputed' });
    });

    it('an incident never recorded, and a retracted one', () => {
      expect(given().when(dispute('x'))).toEqual({ refused: 'not_found' });
      expect(given(assassinationRecorded(), retracted).when(dispute('x'))).toEqual({ refused: 'retracted' });
    });
  });
});

describe('RetractIncident', () => {
  it.each([
    ['an unverified', []],
    ['a verified', [verified]],
    ['a disputed', [disputed]],
  ] as const)('retracts %s incident', (_, history) => {
    expect(given(assassinationRecorded(), ...history).when(retract('Fabricated report.'))).toEqual({
      events: [{ type: 'incident.retracted', data: { reason: 'Fabricated report.' } }],
    });
  });

  describe('refuses', () => {
    it('a second retraction', () => {
      expect(given(assassinationRecorded(), retracted).when(retract('Again.'))).toEqual({ refused: 'retracted' });
    });

    it('an incident never recorded', () => {
      expect(given().when(retract('x'))).toEqual({ refused: 'not_found' });
    });
  });
});
