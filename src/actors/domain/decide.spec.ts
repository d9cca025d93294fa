import { describe, expect, it } from '@jest/globals';
import { compact } from '../../common/plain-data.js';
import type { ActorCommand, AddAlias, ChangeParent, RegisterActor } from './actor.commands.js';
import { ActorNotFoundError, ActorRuleViolation } from './actor.errors.js';
import type { ActorEvent } from './actor.events.js';
import { evolveActor, initialActorState, type ActorState } from './actor.state.js';
import type { ActorName } from './actor.types.js';
import { decideActor, type RelatedActor } from './decide.js';

/**
 * Given/when/then for the registry's decider. The context knows only the related actors a test
 * lists; a refusal names its code, and a missing actor other than the subject names its id.
 */
type Outcome = { events: ActorEvent[] } | { refused: string; actorId?: string };

const fold = (events: readonly ActorEvent[]): ActorState => events.reduce(evolveActor, initialActorState());
const namesOf = (state: ActorState) => (state.status === 'not_registered' ? [] : state.names);

function given(...events: ActorEvent[]) {
  return {
    when(command: ActorCommand, related: RelatedActor[] = []): Outcome {
      const context = { related: (id: string) => related.find((actor) => actor.id === id) };
      try {
        return { events: decideActor(command, fold(events), context) };
      } catch (error) {
        if (error instanceof ActorNotFoundError) {
          return error.actorId ? { refused: 'not_found', actorId: error.actorId } : { refused: 'not_found' };
        }
        if (error instanceof ActorRuleViolation) return { refused: error.code };
        throw error;
      }
    },
  };
}

const IDS = {
  akidat: '5d1c48a4-0000-4000-8000-000000000001',
  alHafl: '5d1c48a4-0000-4000-8000-000000000002',
  bakir: '5d1c48a4-0000-4000-8000-000000000003',
  sdf: '5d1c48a4-0000-4000-8000-000000000004',
  unknown: '5d1c48a4-0000-4000-8000-0000000000ff',
};

const en = (value: string, kind: ActorName['kind'] = 'primary'): ActorName => ({ value, language: 'en', kind });
const ar = (value: string, kind: ActorName['kind'] = 'primary'): ActorName => ({ value, language: 'ar', kind });
const standing = (id: string, ancestorIds: string[] = []): RelatedActor => ({ id, status: 'active', ancestorIds });
const mergedAway = (id: string): RelatedActor => ({ id, status: 'merged', ancestorIds: [] });

const akidatRegistered: ActorEvent = {
  type: 'actor.registered',
  data: {
    id: IDS.akidat,
    kind: 'tribe',
    names: [en('Al-Akidat'), ar('عشيرة العكيدات'), en('Egaidat', 'transliteration')],
    acledInter: 4,
  },
};
const alHaflRegistered: ActorEvent = {
  type: 'actor.registered',
  data: {
    id: IDS.alHafl,
    kind: 'person',
    names: [en('Mutashar al-Hafl'), ar('الشيخ مطشر الهفل')],
    parent: { actorId: IDS.akidat, relation: 'leader_of', title: 'sheikh' },
  },
};
const akidatMergedIntoBakir: ActorEvent = { type: 'actor.merged_into', data: { survivorId: IDS.bakir, reason: 'Same tribe.' } };

const register = (data: Partial<RegisterActor['data']>): ActorCommand => ({
  type: 'RegisterActor',
  data: { id: IDS.alHafl, kind: 'person', names: [en('Mutashar al-Hafl')], ...data },
});
const rename = (name: Omit<ActorName, 'kind'>, reason?: string): ActorCommand => ({
  type: 'RenameActor',
  data: compact({ name, reason }),
});
const addAlias = (value: string, kind: AddAlias['data']['name']['kind'] = 'alias', language = 'en'): ActorCommand => ({
  type: 'AddAlias',
  data: { name: { value, language, kind } },
});
const removeAlias = (name: Omit<ActorName, 'kind'>, reason?: string): ActorCommand => ({
  type: 'RemoveAlias',
  data: compact({ name, reason }),
});
const changeParent = (parent: ChangeParent['data']['parent']): ActorCommand => ({ type: 'ChangeParent', data: { parent } });
const merge = (survivorId: string): ActorCommand => ({ type: 'MergeActor', data: { survivorId, reason: 'Same tribe.' } });
const undoMerge: ActorCommand = { type: 'UndoMerge', data: { reason: 'Two different clans.' } };

describe('RegisterActor', () => {
  it('registers the sheikh with trimmed names, a trimmed title, under a standing tribe', () => {
    const command = register({
      names: [en(' Mutashar al-Hafl '), ar('الشيخ مطشر الهفل')],
      parent: { actorId: IDS.akidat, relation: 'leader_of', title: ' sheikh ' },
    });
    expect(given().when(command, [standing(IDS.akidat)])).toEqual({ events: [alHaflRegistered] });
  });

  it('keeps the ACLED code and leaves out what was not given, a blank title included', () => {
    const command = register({ acledInter: 7, parent: { actorId: IDS.akidat, relation: 'member_of', title: '  ' } });
    expect(given().when(command, [standing(IDS.akidat)])).toEqual({
      events: [
        {
          type: 'actor.registered',
          data: {
            id: IDS.alHafl,
            kind: 'person',
            names: [en('Mutashar al-Hafl')],
            parent: { actorId: IDS.akidat, relation: 'member_of' },
            acledInter: 7,
          },
        },
      ],
    });
  });

  it('allows the same spelling in two languages and one primary name per language', () => {
    const outcome = given().when(register({ names: [en('Hajin'), { value: 'Hajin', language: 'fr', kind: 'primary' }] }));
    expect(outcome).toMatchObject({ events: [{ type: 'actor.registered' }] });
  });

  describe('refuses', () => {
    it.each<[string, Partial<RegisterActor['data']>, string]>([
      ['names without a primary one', { names: [en('Egaidat', 'alias')] }, 'no_primary_name'],
      ['a blank name', { names: [en('Mutashar al-Hafl'), en('   ', 'alias')] }, 'empty_name'],
      ['a name given twice, once untrimmed', { names: [en('al-Hafl'), en(' al-Hafl ', 'alias')] }, 'duplicate_name'],
      ['two primary names in one language', { names: [en('Mutashar al-Hafl'), en('Sheikh Mutashar')] }, 'two_primary_names'],
      ['itself as its parent', { parent: { actorId: IDS.alHafl, relation: 'member_of' } }, 'parent_cycle'],
    ])('%s', (_, data, code) => {
      expect(given().when(register(data), [standing(IDS.akidat)])).toEqual({ refused: code });
    });

    it('an actor already registered', () => {
      expect(given(alHaflRegistered).when(register({}))).toEqual({ refused: 'already_registered' });
    });

    it('a parent that is not registered, naming it', () => {
      const command = register({ parent: { actorId: IDS.unknown, relation: 'member_of' } });
      expect(given().when(command)).toEqual({ refused: 'not_found', actorId: IDS.unknown });
    });

    it('a parent merged into another', () => {
      const command = register({ parent: { actorId: IDS.akidat, relation: 'leader_of' } });
      expect(given().when(command, [mergedAway(IDS.akidat)])).toEqual({ refused: 'parent_merged' });
    });
  });
});

describe('RenameActor', () => {
  it('makes the new name primary and says which name it replaces', () => {
    expect(given(akidatRegistered).when(rename({ value: ' Al-Egaidat ', language: 'en' }, 'Usual spelling.'))).toEqual({
      events: [
        { type: 'actor.renamed', data: { name: en('Al-Egaidat'), previous: en('Al-Akidat'), reason: 'Usual spelling.' } },
      ],
    });
  });

  it('gives a primary name in a language that had none', () => {
    expect(given(akidatRegistered).when(rename({ value: 'Les Akidat', language: 'fr' }))).toEqual({
      events: [{ type: 'actor.renamed', data: { name: { value: 'Les Akidat', language: 'fr', kind: 'primary' } } }],
    });
  });

  describe('refuses', () => {
    it('the name that already is primary', () => {
      expect(given(akidatRegistered).when(rename({ value: 'Al-Akidat ', language: 'en' }))).toEqual({
        refused: 'nothing_to_change',
      });
    });

    it('a blank name', () => {
      expect(given(akidatRegistered).when(rename({ value: ' ', language: 'en' }))).toEqual({ refused: 'empty_name' });
    });

    it('an actor never registered, and a merged one', () => {
      const command = rename({ value: 'Al-Egaidat', language: 'en' });
      expect(given().when(command)).toEqual({ refused: 'not_found' });
      expect(given(akidatRegistered, akidatMergedIntoBakir).when(command)).toEqual({ refused: 'merged' });
    });
  });
});

describe('AddAlias', () => {
  it('adds a trimmed alias', () => {
    expect(given(akidatRegistered).when(addAlias(' Aqeedat ', 'transliteration'))).toEqual({
      events: [{ type: 'actor.alias_added', data: { name: en('Aqeedat', 'transliteration') } }],
    });
  });

  it('adds a spelling the actor has, in another language', () => {
    const outcome = given(akidatRegistered).when(addAlias('Egaidat', 'alias', 'fr'));
    expect(outcome).toMatchObject({ events: [{ type: 'actor.alias_added' }] });
  });

  describe('refuses', () => {
    it('a name the actor already has in that language, primary or not', () => {
      expect(given(akidatRegistered).when(addAlias('Egaidat'))).toEqual({ refused: 'duplicate_name' });
      expect(given(akidatRegistered).when(addAlias('Al-Akidat '))).toEqual({ refused: 'duplicate_name' });
    });

    it('a blank name', () => {
      expect(given(akidatRegistered).when(addAlias('  '))).toEqual({ refused: 'empty_name' });
    });

    it('an actor never registered, and a merged one', () => {
      const command = addAlias('Aqeedat');
      expect(given().when(command)).toEqual({ refused: 'not_found' });
      expect(given(akidatRegistered, akidatMergedIntoBakir).when(command)).toEqual({ refused: 'merged' });
    });
  });
});

describe('RemoveAlias', () => {
  it('removes the alias as it is stored, with its kind', () => {
    expect(given(akidatRegistered).when(removeAlias({ value: 'Egaidat ', language: 'en' }, 'A misspelling.'))).toEqual({
      events: [{ type: 'actor.alias_removed', data: { name: en('Egaidat', 'transliteration'), reason: 'A misspelling.' } }],
    });
  });

  describe('refuses', () => {
    it('a name the actor does not have in that language', () => {
      expect(given(akidatRegistered).when(removeAlias({ value: 'Egaidat', language: 'ar' }))).toEqual({
        refused: 'name_not_present',
      });
    });

    it('a primary name', () => {
      expect(given(akidatRegistered).when(removeAlias({ value: 'Al-Akidat', language: 'en' }))).toEqual({
        refused: 'primary_name',
      });
    });

    it('an actor never registered, and a merged one', () => {
      const command = removeAlias({ value: 'Egaidat', language: 'en' });
      expect(given().when(command)).toEqual({ refused: 'not_found' });
      expect(given(akidatRegistered, akidatMergedIntoBakir).when(command)).toEqual({ refused: 'merged' });
    });
  });
});

describe('ChangeParent', () => {
  it('puts the sheikh under another tribe, and changes only the title', () => {
    const moved = changeParent({ actorId: IDS.bakir, relation: 'member_of' });
    expect(given(alHaflRegistered).when(moved, [standing(IDS.bakir)])).toEqual({
      events: [{ type: 'actor.parent_changed', data: { parent: { actorId: IDS.bakir, relation: 'member_of' } } }],
    });
    const retitled = changeParent({ actorId: IDS.akidat, relation: 'leader_of', title: 'emir' });
    expect(given(alHaflRegistered).when(retitled, [standing(IDS.akidat)])).toMatchObject({
      events: [{ data: { parent: { title: 'emir' } } }],
    });
  });

  it('clears the parent with null', () => {
    expect(given(alHaflRegistered).when(changeParent(null))).toEqual({
      events: [{ type: 'actor.parent_changed', data: { parent: null } }],
    });
  });

  describe('refuses', () => {
    it('the parent it already has, title trimmed, and clearing a parent it has not got', () => {
      const same = changeParent({ actorId: IDS.akidat, relation: 'leader_of', title: 'sheikh ' });
      expect(given(alHaflRegistered).when(same, [standing(IDS.akidat)])).toEqual({ refused: 'nothing_to_change' });
      expect(given(akidatRegistered).when(changeParent(null))).toEqual({ refused: 'nothing_to_change' });
    });

    it('itself, and a parent that already belongs to it', () => {
      expect(given(akidatRegistered).when(changeParent({ actorId: IDS.akidat, relation: 'part_of' }))).toEqual({
        refused: 'parent_cycle',
      });
      const underTheSheikh = standing(IDS.sdf, [IDS.alHafl, IDS.akidat]);
      expect(given(akidatRegistered).when(changeParent({ actorId: IDS.sdf, relation: 'part_of' }), [underTheSheikh])).toEqual({
        refused: 'parent_cycle',
      });
    });

    it('a parent merged into another, and one not registered', () => {
      const command = changeParent({ actorId: IDS.bakir, relation: 'member_of' });
      expect(given(alHaflRegistered).when(command, [mergedAway(IDS.bakir)])).toEqual({ refused: 'parent_merged' });
      expect(given(alHaflRegistered).when(command)).toEqual({ refused: 'not_found', actorId: IDS.bakir });
    });

    it('an actor never registered, and a merged one', () => {
      expect(given().when(changeParent(null))).toEqual({ refused: 'not_found' });
      expect(given(akidatRegistered, akidatMergedIntoBakir).when(changeParent(null))).toEqual({ refused: 'merged' });
    });
  });
});

describe('MergeActor', () => {
  it('merges a duplicate into a standing actor, with the reason', () => {
    expect(given(akidatRegistered).when(merge(IDS.bakir), [standing(IDS.bakir)])).toEqual({ events: [akidatMergedIntoBakir] });
  });

  describe('refuses', () => {
    it('merging an actor into itself', () => {
      expect(given(akidatRegistered).when(merge(IDS.akidat), [standing(IDS.akidat)])).toEqual({ refused: 'merge_into_self' });
    });

    it('a survivor that was itself merged, and one not registered', () => {
      expect(given(akidatRegistered).when(merge(IDS.bakir), [mergedAway(IDS.bakir)])).toEqual({ refused: 'survivor_merged' });
      expect(given(akidatRegistered).when(merge(IDS.bakir))).toEqual({ refused: 'not_found', actorId: IDS.bakir });
    });

    it('a survivor that is part of the actor', () => {
      const sheikh = standing(IDS.alHafl, [IDS.akidat]);
      expect(given(akidatRegistered).when(merge(IDS.alHafl), [sheikh])).toEqual({ refused: 'merge_into_part' });
    });

    it('an actor never registered, and one already merged', () => {
      expect(given().when(merge(IDS.bakir), [standing(IDS.bakir)])).toEqual({ refused: 'not_found' });
      expect(given(akidatRegistered, akidatMergedIntoBakir).when(merge(IDS.sdf), [standing(IDS.sdf)])).toEqual({
        refused: 'merged',
      });
    });
  });
});

describe('UndoMerge', () => {
  it('unmerges the actor from the survivor it was merged into', () => {
    expect(given(akidatRegistered, akidatMergedIntoBakir).when(undoMerge)).toEqual({
      events: [{ type: 'actor.unmerged', data: { survivorId: IDS.bakir, reason: 'Two different clans.' } }],
    });
  });

  it('refuses an actor that is not merged, one whose merge was undone already, and one never registered', () => {
    const unmerged: ActorEvent = { type: 'actor.unmerged', data: { survivorId: IDS.bakir, reason: 'Two clans.' } };
    expect(given(akidatRegistered).when(undoMerge)).toEqual({ refused: 'not_merged' });
    expect(given(akidatRegistered, akidatMergedIntoBakir, unmerged).when(undoMerge)).toEqual({ refused: 'not_merged' });
    expect(given().when(undoMerge)).toEqual({ refused: 'not_found' });
  });
});

describe('evolveActor', () => {
  it('starts from an actor not registered, and registers it as active with its data', () => {
    expect(initialActorState()).toEqual({ status: 'not_registered' });
    expect(fold([akidatRegistered])).toEqual({ status: 'active', ...akidatRegistered.data });
  });

  it('keeps the old primary name as an alias after a rename', () => {
    const renamed: ActorEvent = { type: 'actor.renamed', data: { name: en('Al-Egaidat'), previous: en('Al-Akidat') } };
    expect(namesOf(fold([akidatRegistered, renamed]))).toEqual([
      en('Al-Akidat', 'alias'),
      ar('عشيرة العكيدات'),
      en('Egaidat', 'transliteration'),
      en('Al-Egaidat'),
    ]);
  });

  it('promotes an alias to primary without keeping it twice', () => {
    const renamed: ActorEvent = { type: 'actor.renamed', data: { name: en('Egaidat'), previous: en('Al-Akidat') } };
    expect(namesOf(fold([akidatRegistered, renamed]))).toEqual([en('Al-Akidat', 'alias'), ar('عشيرة العكيدات'), en('Egaidat')]);
  });

  it('adds and removes an alias', () => {
    const added: ActorEvent = { type: 'actor.alias_added', data: { name: en('Aqeedat', 'alias') } };
    const removed: ActorEvent = { type: 'actor.alias_removed', data: { name: en('Egaidat', 'transliteration') } };
    expect(namesOf(fold([akidatRegistered, added, removed]))).toEqual([
      en('Al-Akidat'),
      ar('عشيرة العكيدات'),
      en('Aqeedat', 'alias'),
    ]);
  });

  it('sets and clears a parent, leaving no parent key behind', () => {
    const cleared: ActorEvent = { type: 'actor.parent_changed', data: { parent: null } };
    expect(fold([alHaflRegistered, cleared])).toEqual({ status: 'active', ...alHaflRegistered.data, parent: undefined });
    expect(fold([alHaflRegistered, cleared])).not.toHaveProperty('parent');
  });

  it('is merged after a merge and active again, standing alone, after the merge is undone', () => {
    expect(fold([akidatRegistered, akidatMergedIntoBakir])).toMatchObject({ status: 'merged', mergedInto: IDS.bakir });
    const unmerged: ActorEvent = { type: 'actor.unmerged', data: { survivorId: IDS.bakir, reason: 'Two clans.' } };
    const state = fold([akidatRegistered, akidatMergedIntoBakir, unmerged]);
    expect(state).toEqual({ status: 'active', ...akidatRegistered.data });
    expect(state).not.toHaveProperty('mergedInto');
  });

  it('ignores changes to an actor never registered', () => {
    const added: ActorEvent = { type: 'actor.alias_added', data: { name: en('Aqeedat', 'alias') } };
    expect(fold([added])).toEqual({ status: 'not_registered' });
  });
});
