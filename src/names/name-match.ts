import { nameKeys } from './fold.js';

/**
 * How well a stored name matches a search, from 0 to 1, computed in SQL over the keys of fold.ts
 * stored beside each name (columns `folded` and `skeleton`). The tiers say why a name matched:
 *
 *   1.00  the same name once folded ("عشيرة العكيدات" for "العكيدات")
 *   0.90  the search is a run of whole words of the name ("كاكينز" in "العقيد مايلز كاكينز")
 *   0.85  the same consonant outline ("Egaidat" for "Akidat")
 *   0.75  the outline is a run of whole words of the name's outline
 *   else  trigram similarity (pg_trgm) of the folded forms, a misspelling's last resort
 *
 * Folded keys hold only letters, digits and single spaces, so they are safe inside LIKE patterns.
 */
export function nameScoreSql(alias: string, foldedParam: string, skeletonParam: string): string {
  const folded = `${alias}.folded`;
  const skeleton = `${alias}.skeleton`;
  return `greatest(
    CASE WHEN ${folded} = ${foldedParam} THEN 1.0 ELSE 0 END,
    CASE WHEN ' ' || ${folded} || ' ' LIKE '% ' || ${foldedParam} || ' %' THEN 0.9 ELSE 0 END,
    CASE WHEN ${skeletonParam} <> '' AND ${skeleton} = ${skeletonParam} THEN 0.85 ELSE 0 END,
    CASE WHEN ${skeletonParam} <> '' AND ' ' || ${skeleton} || ' ' LIKE '% ' || ${skeletonParam} || ' %' THEN 0.75 ELSE 0 END,
    similarity(${folded}, ${foldedParam}),
    word_similarity(${foldedParam}, ${folded}) * 0.8
  )`;
}

/** Below this a name is not shown as a match at all. */
export const MIN_SEARCH_SCORE = 0.3;

/**
 * A reported name is linked to a registry entry (an actor, a place) without asking only when it
 * is that entry's name once folded. Whole words and consonant outlines rank search results well,
 * but link different people: "Mohammed Hussein" and "Ahmad Hassan" share the outline `md sn`.
 */
export const CONFIDENT_SCORE = 1;

/** Two entries matching within this of each other are a tie: the name alone cannot tell them apart. */
export const CLEAR_MARGIN = 0.05;

/** The query parameters for nameScoreSql, from what the user typed. */
export function searchKeys(query: string): [folded: string, skeleton: string] {
  const { folded, skeleton } = nameKeys(query);
  return [folded, skeleton];
}
