import { describe, expect, it } from '@jest/globals';
import type { CorrectIncident } from './incident.commands.js';
import type { IncidentEvent } from './incident.events.js';
import { given } from './testing/given.js';
import { assassinationRecorded, BAGHOUZ, enabBaladi, IDS } from './testing/worked-example.js';

const correct = (data: CorrectIncident['data']): CorrectIncident => ({ type: 'CorrectIncident', data });
const attached: IncidentEvent = { type: 'incident.source_attached', data: { source: enabBaladi() } };

describe('CorrectIncident', () => {
  it('pins the date down to a day from a second source', () => {
    const command = correct({
      changes: { occurred: { from: '2020-07-31', precision: 'day' } },
      reason: 'A second report dates the killing to 31 July.',
      sourceId: IDS.enabBaladi,
    });
    expect(given(assassinationRecorded(), attached).when(command)).toEqual({
      events: [
        {
          type: 'incident.corrected',
          data: {
            changes: { occurred: { from: '2020-07-31', to: '2020-07-31', precision: 'day' } },
            reason: 'A second report dates the killing to 31 July.',
            sourceId: IDS.enabBaladi,
          },
        },
      ],
    });
  });

  it('carries only the fields that really change', () => {
    const recorded = assassinationRecorded();
    const command = correct({
      changes: {
        category: 'assassination',
        title: { ...recorded.data.title },
        place: { ...BAGHOUZ },
        tags: ['tribal-notables', 'tribal-notables'],
        occurred: { from: '2020-07-26', precision: 'week', note: recorded.data.occurred.note },
      },
      reason: 'Located more precisely.',
    });
    expect(given(recorded).when(command)).toEqual({
      events: [{ type: 'incident.corrected', data: { changes: { place: BAGHOUZ }, reason: 'Located more precisely.' } }],
    });
  });

  it('changes the category and the tags', () => {
    const command = correct({ changes: { category: 'attack_on_civilians', tags: ['akidat'] }, reason: 'Recoded.' });
    expect(given(assassinationRecorded()).when(command)).toMatchObject({
      events: [{ data: { changes: { category: 'attack_on_civilians', tags: ['akidat'] } } }],
    });
  });

  it('passes on no field outside the correctable ones, whatever a script sends', () => {
    const changes = { tags: ['akidat'], status: 'verified', id: IDS.pattern } as CorrectIncident['data']['changes'];
    expect(given(assassinationRecorded()).when(correct({ changes, reason: 'Import.' }))).toEqual({
      events: [{ type: 'incident.corrected', data: { changes: { tags: ['akidat'] }, reason: 'Import.' } }],
    });
  });

  it('clears the summary and the notes with null', () => {
    const command = correct({ changes: { summary: null, notes: null }, reason: 'The summary overstated the report.' });
    expect(given(assassinationRecorded()).when(command)).toEqual({
      events: [
        {
          type: 'incident.corrected',
          data: { changes: { summary: null, notes: null }, reason: 'The summary overstated the report.' },
        },
      ],
    });
  });

  describe('refuses', () => {
    it('a correction that changes nothing', () => {
      const recorded = assassinationRecorded();
      const command = correct({ changes: { category: 'assassination', tags: [' tribal-notables'] }, reason: 'Re-saved.' });
      expect(given(recorded).when(command)).toEqual({ refused: 'nothing_to_change' });
    });

    it('clearing what is already empty', () => {
      const withoutNotes = assassinationRecorded();
      delete withoutNotes.data.notes;
      expect(given(withoutNotes).when(correct({ changes: { notes: null }, reason: 'x' }))).toEqual({
        refused: 'nothing_to_change',
      });
    });

    it('a source that is not attached', () => {
      const command = correct({ changes: { tags: ['x'] }, reason: 'x', sourceId: IDS.enabBaladi });
      expect(given(assassinationRecorded()).when(command)).toEqual({ refused: 'unknown_source' });
    });

    it('a date in the future', () => {
      const command = correct({ changes: { occurred: { from: '2020-09-01', precision: 'day' } }, reason: 'x' });
      expect(given(assassinationRecorded()).when(command)).toEqual({ refused: 'occurred_in_future' });
    });

    it('a reversed range', () => {
      const reversed = { from: '2020-07-31', to: '2020-07-30', precision: 'day' } as const;
      const command = correct({ changes: { occurred: reversed }, reason: 'x' });
      expect(given(assassinationRecorded()).when(command)).toEqual({ refused: 'date_range_reversed' });
    });

    it('an incident never recorded', () => {
      expect(given().when(correct({ changes: { tags: ['x'] }, reason: 'x' }))).toEqual({ refused: 'not_found' });
    });

    it('a retracted incident', () => {
      const retracted: IncidentEvent = { type: 'incident.retracted', data: { reason: 'Fabricated report.' } };
      const command = correct({ changes: { tags: ['x'] }, reason: 'late edit' });
      expect(given(assassinationRecorded(), retracted).when(command)).toEqual({ refused: 'retracted' });
    });
  });
});
