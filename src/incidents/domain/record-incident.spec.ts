import { describe, expect, it } from '@jest/globals';
import type { RecordIncident } from './incident.commands.js';
import { given } from './testing/given.js';
import {
  AKIDAT,
  AL_HAFL,
  assassinationRecorded,
  enabBaladi,
  IDS,
  northPress,
  recordAssassination,
  recordBaghouz,
  recordStatement,
} from './testing/worked-example.js';

const occurredOf = (outcome: ReturnType<ReturnType<typeof given>['when']>) =>
  'events' in outcome && outcome.events[0].type === 'incident.recorded' ? outcome.events[0].data.occurred : undefined;

describe('RecordIncident', () => {
  it('records the worked-example assassination, deriving the end of its week', () => {
    expect(given().when(recordAssassination())).toEqual({ events: [assassinationRecorded()] });
  });

  it('keeps the Arabic as written', () => {
    const outcome = given().when(recordAssassination());
    expect(outcome).toMatchObject({
      events: [{ data: { title: { text: 'اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف' }, actors: [{ name: AL_HAFL }, {}] } }],
    });
  });

  it('derives "March of last year" as the whole of March 2019', () => {
    expect(occurredOf(given().when(recordBaghouz()))).toEqual({
      from: '2019-03-01',
      to: '2019-03-31',
      precision: 'month',
      note: '"In March of last year", relative to P.',
    });
  });

  it('derives a single day and a whole year', () => {
    const accusation = recordAssassination({ occurred: { from: '2020-08-03', precision: 'day' } });
    expect(occurredOf(given().when(accusation))).toEqual({ from: '2020-08-03', to: '2020-08-03', precision: 'day' });
    const year = recordAssassination({ occurred: { from: '2020-01-01', precision: 'year' } });
    expect(occurredOf(given().when(year))).toEqual({ from: '2020-01-01', to: '2020-12-31', precision: 'year' });
  });

  it('keeps a range the analyst gave, wider than the precision', () => {
    const pattern = recordAssassination({ occurred: { from: '2020-07-01', to: '2020-08-08', precision: 'month' } });
    expect(occurredOf(given().when(pattern))).toEqual({ from: '2020-07-01', to: '2020-08-08', precision: 'month' });
  });

  it('records a statement with its verbatim quote, translation, grading and references', () => {
    const command = recordStatement();
    expect(given().when(command)).toEqual({
      events: [
        {
          type: 'incident.recorded',
          data: {
            ...command.data,
            occurred: { ...command.data.occurred, to: '2020-08-08' },
            translations: [],
            tags: [],
          },
        },
      ],
    });
  });

  it('trims and deduplicates tags, and leaves out absent fields', () => {
    const outcome = given().when(
      recordAssassination({ tags: ['tribal-notables', ' tribal-notables ', '', 'deir-ez-zor'], summary: undefined }),
    );
    expect(outcome).toMatchObject({ events: [{ data: { tags: ['tribal-notables', 'deir-ez-zor'] } }] });
    expect('events' in outcome && Object.keys(outcome.events[0].data)).not.toContain('summary');
  });

  it('accepts an incident whose perpetrator is unknown and whose count is unknown', () => {
    const outcome = given().when(recordAssassination({ actors: [], fatalities: undefined }));
    expect(outcome).toMatchObject({ events: [{ type: 'incident.recorded', data: { actors: [] } }] });
  });

  it('accepts an event dated tomorrow in UTC, for reporters ahead of UTC', () => {
    const outcome = given().when(recordAssassination({ occurred: { from: '2020-08-09', precision: 'day' } }));
    expect(outcome).toMatchObject({ events: [{ type: 'incident.recorded' }] });
  });

  describe('refuses', () => {
    const cases: [string, RecordIncident, string][] = [
      ['a second recording of the same incident', recordAssassination(), 'already_recorded'],
      ['no source', recordAssassination({ sources: [] }), 'no_source'],
      ['the same source twice', recordAssassination({ sources: [northPress(), northPress()] }), 'duplicate_source'],
      [
        'two sources with the same article url',
        recordAssassination({
          sources: [enabBaladi(), { ...northPress(), url: 'http://www.enabbaladi.net/archives/409856/#top' }],
        }),
        'duplicate_source',
      ],
      [
        'a date two days ahead',
        recordAssassination({ occurred: { from: '2020-08-10', precision: 'day' } }),
        'occurred_in_future',
      ],
      [
        'a reversed range',
        recordAssassination({ occurred: { from: '2020-08-01', to: '2020-07-26', precision: 'week' } }),
        'date_range_reversed',
      ],
      [
        'a date not on the calendar',
        recordAssassination({ occurred: { from: '2020-02-30', precision: 'day' } }),
        'invalid_date',
      ],
      [
        'a publication date not on the calendar',
        recordAssassination({ sources: [{ ...northPress(), publishedOn: '2020-02-30' }] }),
        'invalid_date',
      ],
      ['low above high', recordAssassination({ fatalities: { low: 5, best: 3, high: 2 } }), 'fatalities_out_of_order'],
      ['a negative count', recordAssassination({ fatalities: { low: -1, best: 2, high: 2 } }), 'invalid_fatalities'],
      ['a fractional count', recordAssassination({ fatalities: { low: 1.5, best: 2, high: 2 } }), 'invalid_fatalities'],
      [
        'an actor with neither id nor name',
        recordAssassination({ actors: [{ name: '  ', role: 'victim' }] }),
        'actor_unidentified',
      ],
      [
        'the same actor twice in one role',
        recordAssassination({
          actors: [
            { name: AL_HAFL, role: 'victim' },
            { name: ` ${AL_HAFL} `, role: 'victim', affiliation: AKIDAT },
          ],
        }),
        'actor_already_present',
      ],
      [
        'a link to itself',
        recordAssassination({ related: [{ incidentId: IDS.assassination, relation: 'part_of' }] }),
        'self_link',
      ],
      [
        'the same link twice',
        recordAssassination({
          related: [
            { incidentId: IDS.pattern, relation: 'part_of' },
            { incidentId: IDS.pattern, relation: 'part_of' },
          ],
        }),
        'already_linked',
      ],
    ];

    it.each(cases)('%s', (name, command, code) => {
      const history = name.startsWith('a second recording') ? [assassinationRecorded()] : [];
      expect(given(...history).when(command)).toEqual({ refused: code });
    });

    it('a new recording of a retracted incident', () => {
      const retracted = { type: 'incident.retracted', data: { reason: 'Duplicate.' } } as const;
      expect(given(assassinationRecorded(), retracted).when(recordAssassination())).toEqual({ refused: 'retracted' });
    });
  });

  it('keeps one actor in two roles', () => {
    const outcome = given().when(
      recordAssassination({
        actors: [
          { name: AL_HAFL, role: 'victim' },
          { name: AL_HAFL, role: 'target' },
        ],
      }),
    );
    expect(outcome).toMatchObject({ events: [{ data: { actors: [{ role: 'victim' }, { role: 'target' }] } }] });
  });
});
