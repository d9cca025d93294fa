import { describe, expect, it } from '@jest/globals';
import { decide } from './decide.js';
import type { IncidentCommand } from './incident.commands.js';
import type { IncidentEvent } from './incident.events.js';
import { evolve, initialState, type IncidentState } from './incident.state.js';
import { fold } from './testing/given.js';
import {
  AKIDAT,
  AL_KHALAF,
  assassinationRecorded,
  enabBaladi,
  IDS,
  NOW,
  recordAssassination,
} from './testing/worked-example.js';

/** Runs commands one after another, as the application would: decide on the folded state, then evolve. */
function run(commands: IncidentCommand[]): { state: IncidentState; events: IncidentEvent[] } {
  return commands.reduce(
    ({ state, events }, command) => {
      const decided = decide(command, state, { now: NOW });
      return { state: decided.reduce(evolve, state), events: [...events, ...decided] };
    },
    { state: initialState(), events: [] as IncidentEvent[] },
  );
}

const correctionsTrail: IncidentCommand[] = [
  recordAssassination(),
  {
    type: 'CorrectIncident',
    data: {
      changes: { occurred: { from: '2020-07-31', precision: 'day' } },
      reason: 'A second report dates the killing to 31 July.',
    },
  },
  { type: 'ReviseFatalities', data: { fatalities: { low: 2, best: 2, high: 3 }, reason: 'A third person may have died.' } },
  { type: 'AttachSource', data: { source: enabBaladi() } },
  { type: 'AddActor', data: { actor: { name: AKIDAT, role: 'target' } } },
  { type: 'RemoveActor', data: { actor: { name: AL_KHALAF, role: 'victim' }, reason: 'He survived, per a later report.' } },
  { type: 'LinkIncident', data: { incidentId: IDS.pattern, relation: 'part_of' } },
  { type: 'VerifyIncident', data: { note: 'Confirmed by two outlets.' } },
  { type: 'DisputeIncident', data: { reason: 'The family denies the date.' } },
  { type: 'VerifyIncident', data: { sourceIds: [IDS.enabBaladi], note: 'The family was mistaken.' } },
  { type: 'DisputeIncident', data: { reason: 'A third outlet contradicts both.' } },
  { type: 'RetractIncident', data: { reason: 'Duplicate of another record.' } },
];

describe('evolve', () => {
  it('starts from an incident not yet recorded', () => {
    expect(initialState()).toEqual({ status: 'not_recorded' });
  });

  it('turns the recording into an unverified incident with all its data', () => {
    const recorded = assassinationRecorded();
    expect(fold([recorded])).toEqual({ status: 'unverified', ...recorded.data });
  });

  it('folds a full history of corrections, and keeps the data once retracted', () => {
    const { state, events } = run(correctionsTrail);

    expect(events.map((event) => event.type)).toEqual([
      'incident.recorded',
      'incident.corrected',
      'incident.fatalities_revised',
      'incident.source_attached',
      'incident.actor_added',
      'incident.actor_removed',
      'incident.linked',
      'incident.verified',
      'incident.disputed',
      'incident.verified',
      'incident.disputed',
      'incident.retracted',
    ]);
    const original = assassinationRecorded().data;
    expect(state).toEqual({
      ...original,
      status: 'retracted',
      occurred: { from: '2020-07-31', to: '2020-07-31', precision: 'day' },
      fatalities: { low: 2, best: 2, high: 3 },
      sources: [...original.sources, enabBaladi()],
      actors: [original.actors[0], { name: AKIDAT, role: 'target' }],
      related: [{ incidentId: IDS.pattern, relation: 'part_of' }],
      dispute: { reason: 'A third outlet contradicts both.' },
      retraction: { reason: 'Duplicate of another record.' },
    });
  });

  it('records the status and why, step by step', () => {
    const states = run(correctionsTrail.slice(0, 10)).events.reduce<IncidentState[]>(
      (folded, event) => [...folded, evolve(folded.at(-1) ?? initialState(), event)],
      [],
    );
    const verified = states[7];
    const disputed = states[8];
    const reverified = states[9];
    expect(verified).toMatchObject({
      status: 'verified',
      verification: { sourceIds: [IDS.northPress, IDS.enabBaladi], note: 'Confirmed by two outlets.' },
    });
    expect(disputed).toMatchObject({ status: 'disputed', dispute: { reason: 'The family denies the date.' } });
    expect(disputed).not.toHaveProperty('verification');
    expect(reverified).toMatchObject({ status: 'verified', verification: { sourceIds: [IDS.enabBaladi] } });
    expect(reverified).not.toHaveProperty('dispute');
  });

  it('clears summary and notes corrected to null, and fatalities revised to null', () => {
    const state = fold([
      assassinationRecorded(),
      { type: 'incident.corrected', data: { changes: { summary: null, notes: null }, reason: 'x' } },
      { type: 'incident.fatalities_revised', data: { fatalities: null, reason: 'x' } },
    ]);
    expect(state).not.toHaveProperty('summary');
    expect(state).not.toHaveProperty('notes');
    expect(state).not.toHaveProperty('fatalities');
    expect(state).toMatchObject({ title: assassinationRecorded().data.title });
  });

  it('never changes the state it is given', () => {
    const before = fold([assassinationRecorded()]);
    const snapshot = structuredClone(before);
    evolve(before, { type: 'incident.actor_added', data: { actor: { name: AKIDAT, role: 'target' } } });
    evolve(before, { type: 'incident.retracted', data: { reason: 'x' } });
    expect(before).toEqual(snapshot);
  });

  it('ignores changes to an incident that was never recorded', () => {
    expect(evolve(initialState(), { type: 'incident.disputed', data: { reason: 'x' } })).toEqual({ status: 'not_recorded' });
  });

  it('emits events that are plain JSON, unchanged by a round trip through the store', () => {
    const { events, state } = run(correctionsTrail);
    const stored = JSON.parse(JSON.stringify(events)) as IncidentEvent[];
    expect(stored).toStrictEqual(events);
    expect(fold(stored)).toStrictEqual(state);
  });
});

describe('events already in the log apply as they were written', () => {
  it('removes exactly the reference an actor_removed names, not another with the same name', () => {
    // An earlier decider let a registry reference and a name-only one of the same name share a role.
    const state = fold([
      assassinationRecorded(),
      { type: 'incident.actor_added', data: { actor: { actorId: IDS.alHaflRegistry, name: AKIDAT, role: 'target' } } },
      { type: 'incident.actor_added', data: { actor: { name: AKIDAT, role: 'target' } } },
      { type: 'incident.actor_removed', data: { actor: { name: AKIDAT, role: 'target' }, reason: 'Not a target.' } },
    ]);
    expect(state.status !== 'not_recorded' && state.actors.filter((actor) => actor.role === 'target')).toEqual([
      { actorId: IDS.alHaflRegistry, name: AKIDAT, role: 'target' },
    ]);
  });
});
