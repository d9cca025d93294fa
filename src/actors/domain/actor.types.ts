/** The values an actor is made of: plain JSON, so events built from them round-trip unchanged. */

export const ACTOR_KINDS = [
  'state',
  'state_force',
  'armed_group',
  'militia',
  'international_coalition',
  'tribe',
  'political_party',
  'government_body',
  'civil_authority',
  'civil_society',
  'media_outlet',
  'person',
  'civilians',
  'unidentified',
] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** `primary`: the name the actor goes by in that language; one per language at most. */
export const NAME_KINDS = ['primary', 'alias', 'transliteration', 'abbreviation'] as const;
export type NameKind = (typeof NAME_KINDS)[number];

/** A name as written, in its language (a BCP-47 tag such as 'ar' or 'en'). */
export interface ActorName {
  value: string;
  language: string;
  kind: NameKind;
}

/** How an actor belongs to its parent: a unit part of a force, a sheikh leading a tribe. */
export const PARENT_RELATIONS = ['part_of', 'member_of', 'leader_of', 'spokesperson_of', 'representative_of'] as const;
export type ParentRelation = (typeof PARENT_RELATIONS)[number];

export interface ActorParent {
  actorId: string;
  relation: ParentRelation;
  /** The position held, as reported ("sheikh", "colonel"). */
  title?: string;
}

/**
 * ACLED's interaction codes: 1 state forces, 2 rebel groups, 3 political militias, 4 identity
 * militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other forces.
 */
export const ACLED_INTER_CODES = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export type AcledInterCode = (typeof ACLED_INTER_CODES)[number];
