import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { poolOf, readPoolOf } from '../../database/data-source.js';
import { LookupCaches, type LookupCache } from '../../database/lookup-caches.js';
import type { Queryable } from '../../event-store/index.js';
import { CLEAR_MARGIN, CONFIDENT_SCORE, MIN_SEARCH_SCORE, nameScoreSql, searchKeys } from '../../names/name-match.js';
import { compact } from '../../common/plain-data.js';
import type { ActorKind, ActorName, ParentRelation } from '../domain/index.js';

export interface ActorMatch {
  id: string;
  kind: ActorKind;
  displayName: string;
  /** The name that matched the search best, and how well (0..1); absent when listing without a search. */
  matchedName?: ActorName;
  score?: number;
}

export interface ActorSearch {
  q?: string;
  kind?: ActorKind;
  limit?: number;
}

export interface ParentLink {
  id: string;
  displayName: string;
  kind: ActorKind;
  relation: ParentRelation;
  title?: string;
}

export interface ActorView {
  id: string;
  kind: ActorKind;
  displayName: string;
  names: ActorName[];
  acledInter?: number;
  /** The actor's parent, its parent's parent and so on, nearest first (merges followed). */
  parentChain: ParentLink[];
  /** While merged: the actor it was merged into, and the one all references resolve to. */
  mergedInto?: string;
  survivorId: string;
  version: number;
  registeredAt: Date;
  updatedAt: Date;
}

/** A name as reported, and what the registry makes of it. */
export type NameResolution =
  | { status: 'resolved'; actorId: string; matchedName: string; score: number }
  | { status: 'unresolved'; candidates: { actorId: string; name: string; score: number }[] };


/**
 * The registry's read side: search across scripts and spellings, one actor, name resolution.
 *
 * The registry is written with the actor's events, so on the primary it is never behind its log:
 * commands check names and ids against it, and a client reads back the actor (and its ETag) it
 * has just written. Those reads stay on the primary. Only the search (GET /actors, searched as
 * the user types) goes to a replica, where an actor may show a moment after it was registered.
 */
@Injectable()
export class ActorDirectory {
  private readonly primary: Queryable;
  /** How each reported name resolved, kept by the service (`lookups`) until the registry changes. */
  private readonly resolutions?: LookupCache<NameResolution>;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() lookups?: LookupCaches,
  ) {
    this.primary = poolOf(dataSource);
    this.resolutions = lookups?.cache('actors');
  }

  /**
   * Actors ranked by their best-matching name; a merged actor's names count for its survivor,
   * which is what is returned. Without `q`, every standing actor by name. Read from a replica
   * when there are some.
   */
  search(search: ActorSearch): Promise<ActorMatch[]> {
    return this.ranked(readPoolOf(this.dataSource), search);
  }

  private async ranked(db: Queryable, { q, kind, limit = 20 }: ActorSearch): Promise<ActorMatch[]> {
    const [folded, skeleton] = searchKeys(q ?? '');
    // A search with nothing to search by ("al", "!!!") finds nothing, rather than everything.
    if (q !== undefined && !folded) return [];
    if (!folded) {
      const { rows } = await db.query({
        name: 'actors.listed',
        text: `SELECT id, kind, display_name FROM actors
               WHERE merged_into IS NULL AND ($1::text IS NULL OR kind = $1) ORDER BY display_name, id LIMIT $2`,
        values: [kind ?? null, limit],
      });
      return rows.map((row) => ({ id: row.id, kind: row.kind, displayName: row.display_name }));
    }
    // Prepared: planning this statement costs several times running it on a registry of hundreds
    // of actors, and every actor a write names by name is resolved through it.
    const { rows } = await db.query({
      name: 'actors.ranked',
      text: `WITH scored AS (
         SELECT s.survivor_id AS id, n.value, n.language, n.kind, ${nameScoreSql('n', '$1', '$2')}::float8 AS score
         FROM actor_names n JOIN actor_survivors s ON s.actor_id = n.actor_id
       ),
       best AS (
         SELECT DISTINCT ON (id) id, value, language, kind, score FROM scored
         WHERE score >= $3 ORDER BY id, score DESC, length(value), value, language
       )
       SELECT a.id, a.kind, a.display_name, best.value, best.language, best.kind AS name_kind, best.score
       FROM best JOIN actors a ON a.id = best.id
       WHERE $4::text IS NULL OR a.kind = $4
       ORDER BY best.score DESC, a.display_name, a.id
       LIMIT $5`,
      values: [folded, skeleton, MIN_SEARCH_SCORE, kind ?? null, limit],
    });
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      displayName: row.display_name,
      matchedName: { value: row.value, language: row.language, kind: row.name_kind },
      score: Math.round(row.score * 1000) / 1000,
    }));
  }

  /**
   * Links a reported name to an actor only when it is a confident match (same name, whole words,
   * or the same consonant outline) and no other actor matches about as well. Otherwise the
   * name stays as reported, with the candidates a person could choose from.
   */
  resolveName(name: string): Promise<NameResolution> {
    const reported = name.trim();
    return this.resolutions ? this.resolutions.get(reported, () => this.resolve(reported)) : this.resolve(reported);
  }

  private async resolve(name: string): Promise<NameResolution> {
    const [best, runnerUp, ...rest] = name ? await this.ranked(this.primary, { q: name, limit: 5 }) : [];
    const score = (match?: ActorMatch) => match?.score ?? 0;
    if (best && score(best) >= CONFIDENT_SCORE && score(best) - score(runnerUp) >= CLEAR_MARGIN) {
      return { status: 'resolved', actorId: best.id, matchedName: best.matchedName!.value, score: score(best) };
    }
    return {
      status: 'unresolved',
      candidates: [best, runnerUp, ...rest]
        .filter((match) => match !== undefined)
        .slice(0, 3)
        .map((match) => ({ actorId: match.id, name: match.displayName, score: score(match) })),
    };
  }

  /** The ids among these that are registered (merged ones included). */
  async registered(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.primary.query<{ id: string }>({
      name: 'actors.registered',
      text: 'SELECT id::text FROM actors WHERE id = ANY($1::uuid[])',
      values: [ids],
    });
    return new Set(rows.map((row) => row.id));
  }

  /** What each of these ids resolves to after merges. */
  async survivors(ids: readonly string[]): Promise<Map<string, { id: string; displayName: string; kind: ActorKind }>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.primary.query(
      `SELECT s.actor_id::text, a.id::text AS survivor_id, a.display_name, a.kind
       FROM actor_survivors s JOIN actors a ON a.id = s.survivor_id
       WHERE s.actor_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.actor_id, { id: row.survivor_id, displayName: row.display_name, kind: row.kind }]));
  }

  async get(id: string): Promise<ActorView | undefined> {
    const { rows } = await this.primary.query(
      `SELECT a.*, s.survivor_id,
              (SELECT coalesce(json_agg(json_build_object('value', n.value, 'language', n.language, 'kind', n.kind)
                                        ORDER BY n.kind <> 'primary', n.language, n.value), '[]')
               FROM actor_names n WHERE n.actor_id = a.id) AS names
       FROM actors a JOIN actor_survivors s ON s.actor_id = a.id
       WHERE a.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return compact({
      id: row.id,
      kind: row.kind,
      displayName: row.display_name,
      names: row.names,
      acledInter: row.acled_inter ?? undefined,
      parentChain: await this.parentChain(id),
      mergedInto: row.merged_into ?? undefined,
      survivorId: row.survivor_id,
      version: row.version,
      registeredAt: row.registered_at,
      updatedAt: row.updated_at,
    });
  }

  private async parentChain(id: string): Promise<ParentLink[]> {
    const { rows } = await this.primary.query(
      `WITH RECURSIVE up (child, id, relation, title, depth) AS (
         SELECT a.id, s.survivor_id, a.parent_relation, a.parent_title, 1
         FROM actors a JOIN actor_survivors s ON s.actor_id = a.parent_id WHERE a.id = $1
         UNION ALL
         SELECT a.id, s.survivor_id, a.parent_relation, a.parent_title, up.depth + 1
         FROM up JOIN actors a ON a.id = up.id JOIN actor_survivors s ON s.actor_id = a.parent_id
         WHERE up.depth < 64
       )
       SELECT p.id, p.display_name, p.kind, up.relation, up.title FROM up JOIN actors p ON p.id = up.id ORDER BY up.depth`,
      [id],
    );
    return rows.map((row) =>
      compact({ id: row.id, displayName: row.display_name, kind: row.kind, relation: row.relation, title: row.title ?? undefined }),
    );
  }
}
