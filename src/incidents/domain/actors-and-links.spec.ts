import { describe, expect, it } from '@jest/globals';
import type { AddActor, IdentifyActor, LinkIncident, RemoveActor } from './incident.commands.js';
import type { IncidentEvent } from './incident.events.js';
import { fold, given } from './testing/given.js';
import { AKIDAT, AL_HAFL, AL_KHALAF, assassinationRecorded, IDS } from './testing/worked-example.js';

const add = (data: AddActor['data']): AddActor => ({ type: 'AddActor', data });
const remove = (data: RemoveActor['data']): RemoveActor => ({ type: 'RemoveActor', data });
const link = (data: LinkIncident['data']): LinkIncident => ({ type: 'LinkIncident', data });
const identify = (data: IdentifyActor['data']): IdentifyActor => ({ type: 'IdentifyActor', data });
const retracted: IncidentEvent = { type: 'incident.retracted', data: { reason: 'Duplicate of another record.' } };

describe('AddActor', () => {
  it('adds the tribe as a target, on the source', () => {
    const command = add({
      actor: { name: ` ${AKIDAT} `, role: 'target' },
      reason: 'The report speaks of tribal notables.',
      sourceId: IDS.northPress,
    });
    expect(given(assassinationRecorded()).when(command)).toEqual({
      events: [
        {
          type: 'incident.actor_added',
          data: {
            actor: { name: AKIDAT, role: 'target' },
            reason: 'The report speaks of tribal notables.',
            sourceId: IDS.northPress,
          },
        },
      ],
    });
  });

  describe('refuses', () => {
    it('a registry actor under a name already present in that role: that reference is identified instead', () => {
      const command = add({ actor: { actorId: IDS.alHaflRegistry, name: AL_HAFL, role: 'victim' } });
      expect(given(assassinationRecorded()).when(command)).toEqual({ refused: 'actor_already_present' });
    });

    it('an actor already present in that role', () => {
      expect(given(assassinationRecorded()).when(add({ actor: { name: AL_HAFL, role: 'victim' } }))).toEqual({
        refused: 'actor_already_present',
      });
    });

    it('the same registry id twice in a role, whatever the name', () => {
      const registered: IncidentEvent = {
        type: 'incident.actor_added',
        data: { actor: { actorId: IDS.alHaflRegistry, name: AL_HAFL, role: 'target' } },
      };
      const command = add({ actor: { actorId: IDS.alHaflRegistry, name: 'Mutashar al-Hafl', role: 'target' } });
      expect(given(assassinationRecorded(), registered).when(command)).toEqual({ refused: 'actor_already_present' });
    });

    it('an actor with neither id nor name', () => {
      expect(given(assassinationRecorded()).when(add({ actor: { role: 'perpetrator' } }))).toEqual({
        refused: 'actor_unidentified',
      });
    });

    it('a source that is not attached', () => {
      const command = add({ actor: { name: AKIDAT, role: 'target' }, sourceId: IDS.enabBaladi });
      expect(given(assassinationRecorded()).when(command)).toEqual({ refused: 'unknown_source' });
    });

    it('an incident never recorded, and a retracted one', () => {
      const command = add({ actor: { name: AKIDAT, role: 'target' } });
      expect(given().when(command)).toEqual({ refused: 'not_found' });
      expect(given(assassinationRecorded(), retracted).when(command)).toEqual({ refused: 'retracted' });
    });
  });
});

describe('RemoveActor', () => {
  it('removes an actor from a role, naming it as it was stored', () => {
    const command = remove({
      actor: { name: `${AL_KHALAF}  `, role: 'victim' },
      reason: 'He survived, per a later report.',
    });
    expect(given(assassinationRecorded()).when(command)).toEqual({
      events: [
        {
          type: 'incident.actor_removed',
          data: { actor: { name: AL_KHALAF, role: 'victim' }, reason: 'He survived, per a later report.' },
        },
      ],
    });
  });

  it('removes by registry id', () => {
    const registered: IncidentEvent = {
      type: 'incident.actor_added',
      data: { actor: { actorId: IDS.alHaflRegistry, name: AL_HAFL, role: 'target' } },
    };
    const command = remove({ actor: { actorId: IDS.alHaflRegistry, role: 'target' }, reason: 'Wrong role.' });
    expect(given(assassinationRecorded(), registered).when(command)).toEqual({
      events: [
        {
          type: 'incident.actor_removed',
          data: { actor: { actorId: IDS.alHaflRegistry, name: AL_HAFL, role: 'target' }, reason: 'Wrong role.' },
        },
      ],
    });
  });

  describe('refuses', () => {
    it.each([
      ['in another role', { name: AL_HAFL, role: 'target' as const }],
      ['never added', { name: 'تركيا', role: 'perpetrator' as const }],
      ['by a registry id the incident does not carry', { actorId: IDS.alHaflRegistry, role: 'victim' as const }],
    ])('an actor %s', (_, actor) => {
      expect(given(assassinationRecorded()).when(remove({ actor, reason: 'x' }))).toEqual({ refused: 'actor_not_present' });
    });

    it('an actor with neither id nor name', () => {
      expect(given(assassinationRecorded()).when(remove({ actor: { role: 'victim' }, reason: 'x' }))).toEqual({
        refused: 'actor_unidentified',
      });
    });

    it('an incident never recorded, and a retracted one', () => {
      const command = remove({ actor: { name: AL_HAFL, role: 'victim' }, reason: 'x' });
      expect(given().when(command)).toEqual({ refused: 'not_found' });
      expect(given(assassinationRecorded(), retracted).when(command)).toEqual({ refused: 'retracted' });
    });
  });
});

describe('IdentifyActor', () => {
  const OTHER_ACTOR = '5d1c48a4-0003-4000-8000-0000000000ff';

  it('links a name kept as reported to a registry actor, and the state follows', () => {
    const command = identify({ actor: { name: AL_HAFL, role: 'victim' }, actorId: IDS.alHaflRegistry, reason: 'Same man.' });
    const outcome = given(assassinationRecorded()).when(command);
    expect(outcome).toEqual({
      events: [
        {
          type: 'incident.actor_identified',
          data: { actor: { name: AL_HAFL, role: 'victim' }, actorId: IDS.alHaflRegistry, reason: 'Same man.' },
        },
      ],
    });
    const events = 'events' in outcome ? outcome.events : [];
    const state = fold([assassinationRecorded(), ...events]);
    expect('actors' in state && state.actors).toContainEqual(
      expect.objectContaining({ name: AL_HAFL, actorId: IDS.alHaflRegistry, resolution: { status: 'identified' } }),
    );
  });

  it('re-links a reference the registry resolved to the wrong actor', () => {
    const resolved: IncidentEvent = {
      type: 'incident.actor_added',
      data: { actor: { actorId: OTHER_ACTOR, name: AKIDAT, role: 'target', resolution: { status: 'resolved', matchedName: AKIDAT, score: 1 } } },
    };
    const command = identify({ actor: { name: AKIDAT, role: 'target' }, actorId: IDS.alHaflRegistry, reason: 'Wrong tribe.' });
    expect(given(assassinationRecorded(), resolved).when(command)).toMatchObject({
      events: [{ type: 'incident.actor_identified', data: { actor: { actorId: OTHER_ACTOR, name: AKIDAT, role: 'target' } } }],
    });
  });

  it('finds a resolved reference by the name as reported, so it can be removed by that name', () => {
    const resolved: IncidentEvent = {
      type: 'incident.actor_added',
      data: { actor: { actorId: OTHER_ACTOR, name: AKIDAT, role: 'target' } },
    };
    expect(given(assassinationRecorded(), resolved).when(remove({ actor: { name: AKIDAT, role: 'target' }, reason: 'x' }))).toMatchObject({
      events: [{ type: 'incident.actor_removed', data: { actor: { actorId: OTHER_ACTOR, name: AKIDAT, role: 'target' } } }],
    });
  });

  describe('refuses', () => {
    it('an actor not in the incident', () => {
      const command = identify({ actor: { name: 'تركيا', role: 'accused' }, actorId: OTHER_ACTOR, reason: 'x' });
      expect(given(assassinationRecorded()).when(command)).toEqual({ refused: 'actor_not_present' });
    });

    it('a link the reference already has', () => {
      const identified: IncidentEvent = {
        type: 'incident.actor_identified',
        data: { actor: { name: AL_HAFL, role: 'victim' }, actorId: OTHER_ACTOR, reason: 'x' },
      };
      const command = identify({ actor: { name: AL_HAFL, role: 'victim' }, actorId: OTHER_ACTOR, reason: 'again' });
      expect(given(assassinationRecorded(), identified).when(command)).toEqual({ refused: 'nothing_to_change' });
    });

    it('an actor that another reference in the same role already is', () => {
      const identified: IncidentEvent = {
        type: 'incident.actor_identified',
        data: { actor: { name: AL_HAFL, role: 'victim' }, actorId: OTHER_ACTOR, reason: 'x' },
      };
      const command = identify({ actor: { name: AL_KHALAF, role: 'victim' }, actorId: OTHER_ACTOR, reason: 'y' });
      expect(given(assassinationRecorded(), identified).when(command)).toEqual({ refused: 'actor_already_present' });
    });
  });
});

describe('LinkIncident', () => {
  it('links the assassination to the pattern it is part of', () => {
    expect(given(assassinationRecorded()).when(link({ incidentId: IDS.pattern, relation: 'part_of' }))).toEqual({
      events: [{ type: 'incident.linked', data: { incidentId: IDS.pattern, relation: 'part_of' } }],
    });
  });

  it('links one incident in two relations', () => {
    const partOf: IncidentEvent = { type: 'incident.linked', data: { incidentId: IDS.pattern, relation: 'part_of' } };
    const refersTo = link({ incidentId: IDS.pattern, relation: 'refers_to' });
    expect(given(assassinationRecorded(), partOf).when(refersTo)).toMatchObject({ events: [{ type: 'incident.linked' }] });
  });

  describe('refuses', () => {
    it('a link to itself', () => {
      const toItself = link({ incidentId: IDS.assassination, relation: 'duplicate_of' });
      expect(given(assassinationRecorded()).when(toItself)).toEqual({ refused: 'self_link' });
    });

    it('a link already made', () => {
      const partOf: IncidentEvent = { type: 'incident.linked', data: { incidentId: IDS.pattern, relation: 'part_of' } };
      expect(given(assassinationRecorded(), partOf).when(link({ incidentId: IDS.pattern, relation: 'part_of' }))).toEqual({
        refused: 'already_linked',
      });
    });

    it('an incident never recorded, and a retracted one', () => {
      const command = link({ incidentId: IDS.pattern, relation: 'part_of' });
      expect(given().when(command)).toEqual({ refused: 'not_found' });
      expect(given(assassinationRecorded(), retracted).when(command)).toEqual({ refused: 'retracted' });
    });
  });
});
