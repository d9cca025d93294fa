import { describe, expect, it } from '@jest/globals';
import type { AttachSource, ReviseFatalities } from './incident.commands.js';
import type { IncidentEvent } from './incident.events.js';
import type { Source } from './incident.types.js';
import { given } from './testing/given.js';
import { assassinationRecorded, enabBaladi, IDS, northPress } from './testing/worked-example.js';

const revise = (data: ReviseFatalities['data']): ReviseFatalities => ({ type: 'ReviseFatalities', data });
const attach = (source: Source): AttachSource => ({ type: 'AttachSource', data: { source } });
const retracted: IncidentEvent = { type: 'incident.retracted', data: { reason: 'Duplicate of another record.' } };

describe('ReviseFatalities', () => {
  it('revises the estimates, citing the source', () => {
    const command = revise({
      fatalities: { low: 2, best: 2, high: 3 },
      reason: 'A third person may have died.',
      sourceId: IDS.northPress,
    });
    expect(given(assassinationRecorded()).when(command)).toEqual({
      events: [
        {
          type: 'incident.fatalities_revised',
          data: {
            fatalities: { low: 2, best: 2, high: 3 },
            reason: 'A third person may have died.',
            sourceId: IDS.northPress,
          },
        },
      ],
    });
  });

  it('sets the count back to unknown with null', () => {
    const command = revise({ fatalities: null, reason: 'The report counted the wrong incident.' });
    expect(given(assassinationRecorded()).when(command)).toEqual({
      events: [
        {
          type: 'incident.fatalities_revised',
          data: { fatalities: null, reason: 'The report counted the wrong incident.' },
        },
      ],
    });
  });

  it('gives a count to an incident that had none', () => {
    const unknown = assassinationRecorded();
    delete unknown.data.fatalities;
    const command = revise({ fatalities: { low: 0, best: 0, high: 0 }, reason: 'Nobody was hurt.' });
    expect(given(unknown).when(command)).toMatchObject({ events: [{ data: { fatalities: { low: 0, best: 0, high: 0 } } }] });
  });

  it('splits the best estimate by party', () => {
    const byParty = [
      { party: 'Government of Syria', deaths: 1 },
      { party: 'civilians', deaths: 2 },
    ];
    const command = revise({ fatalities: { low: 3, best: 3, high: 5, byParty }, reason: 'UCDP counts them by side.' });
    expect(given(assassinationRecorded()).when(command)).toMatchObject({
      events: [{ data: { fatalities: { low: 3, best: 3, high: 5, byParty } } }],
    });
  });

  describe('refuses', () => {
    it.each([
      ['the same estimates', { low: 2, best: 2, high: 2 }, 'nothing_to_change'],
      ['a split by party that is not the best estimate', { low: 2, best: 3, high: 4, byParty: [{ party: 'unknown', deaths: 2 }] }, 'fatalities_by_party_mismatch'],
      ['a negative count by party', { low: 0, best: 0, high: 0, byParty: [{ party: 'a', deaths: 1 }, { party: 'b', deaths: -1 }] }, 'invalid_fatalities'],
      ['low above best', { low: 3, best: 2, high: 4 }, 'fatalities_out_of_order'],
      ['best above high', { low: 1, best: 5, high: 4 }, 'fatalities_out_of_order'],
      ['a negative count', { low: -2, best: 0, high: 0 }, 'invalid_fatalities'],
    ] as const)('%s', (_, fatalities, code) => {
      const copy = { ...fatalities, byParty: 'byParty' in fatalities ? fatalities.byParty.map((share) => ({ ...share })) : undefined };
      expect(given(assassinationRecorded()).when(revise({ fatalities: copy, reason: 'x' }))).toEqual({ refused: code });
    });

    it('unknown to unknown', () => {
      const unknown = assassinationRecorded();
      delete unknown.data.fatalities;
      expect(given(unknown).when(revise({ fatalities: null, reason: 'x' }))).toEqual({ refused: 'nothing_to_change' });
    });

    it('a source that is not attached', () => {
      const command = revise({ fatalities: { low: 3, best: 3, high: 3 }, reason: 'x', sourceId: IDS.enabBaladi });
      expect(given(assassinationRecorded()).when(command)).toEqual({ refused: 'unknown_source' });
    });

    it('an incident never recorded, and a retracted one', () => {
      const command = revise({ fatalities: null, reason: 'x' });
      expect(given().when(command)).toEqual({ refused: 'not_found' });
      expect(given(assassinationRecorded(), retracted).when(command)).toEqual({ refused: 'retracted' });
    });
  });
});

describe('AttachSource', () => {
  it('attaches a second source', () => {
    expect(given(assassinationRecorded()).when(attach(enabBaladi()))).toEqual({
      events: [{ type: 'incident.source_attached', data: { source: enabBaladi() } }],
    });
  });

  it('leaves out fields given as undefined', () => {
    const outcome = given(assassinationRecorded()).when(attach({ ...enabBaladi(), reporter: undefined }));
    const attached = 'events' in outcome ? (outcome.events[0].data as { source: Source }).source : {};
    expect(Object.keys(attached)).not.toContain('reporter');
  });

  describe('refuses', () => {
    const withEnab: IncidentEvent = { type: 'incident.source_attached', data: { source: enabBaladi() } };

    it('a source id already attached', () => {
      expect(given(assassinationRecorded()).when(attach({ ...enabBaladi(), id: IDS.northPress }))).toEqual({
        refused: 'duplicate_source',
      });
    });

    it.each([
      'https://www.enabbaladi.net/archives/409856',
      'http://www.enabbaladi.net/archives/409856/',
      'https://WWW.ENABBALADI.NET/archives/409856#comments',
    ])('the same article again, as %s', (url) => {
      const again = { ...enabBaladi(), id: '5d1c48a4-0002-4000-8000-000000000009', url };
      expect(given(assassinationRecorded(), withEnab).when(attach(again))).toEqual({ refused: 'duplicate_source' });
    });

    it("but not for a confidential source's url, which the refusal would give away", () => {
      const confidential: IncidentEvent = { type: 'incident.source_attached', data: { source: { ...enabBaladi(), confidential: true } } };
      const again = { ...enabBaladi(), id: '5d1c48a4-0002-4000-8000-000000000009' };
      expect(given(assassinationRecorded(), confidential).when(attach(again))).toMatchObject({
        events: [{ type: 'incident.source_attached', data: { source: again } }],
      });
    });

    it('a publication date not on the calendar', () => {
      expect(given(assassinationRecorded()).when(attach({ ...enabBaladi(), publishedOn: '2021-02-29' }))).toEqual({
        refused: 'invalid_date',
      });
    });

    it('an incident never recorded, and a retracted one', () => {
      expect(given().when(attach(northPress()))).toEqual({ refused: 'not_found' });
      expect(given(assassinationRecorded(), retracted).when(attach(enabBaladi()))).toEqual({ refused: 'retracted' });
    });
  });
});
