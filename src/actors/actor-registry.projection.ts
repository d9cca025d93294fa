import type { Queryable } from '../event-store/index.js';
import { nameKeys } from '../names/fold.js';
import type { ActorName, RegisteredActor } from './domain/index.js';

/**
 * The registry's read model (tables `actors` and `actor_names`), written inline: in the
 * transaction that appends the actor's events, from the state those events fold to, so the
 * registry is never behind its log. `now()` is that transaction's time, which is also the
 * `recorded_at` of the events it appends. Rows are rewritten whole from the folded state.
 */
export async function projectActor(db: Queryable, actor: RegisteredActor, version: number): Promise<void> {
  await db.query(
    `INSERT INTO actors (id, kind, display_name, parent_id, parent_relation, parent_title, acled_inter,
                         merged_into, version, registered_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), now())
     ON CONFLICT (id) DO UPDATE SET
       kind = excluded.kind, display_name = excluded.display_name, parent_id = excluded.parent_id,
       parent_relation = excluded.parent_relation, parent_title = excluded.parent_title,
       acled_inter = excluded.acled_inter, merged_into = excluded.merged_into,
       version = excluded.version, updated_at = excluded.updated_at`,
    [
      actor.id,
      actor.kind,
      displayName(actor.names),
      actor.parent?.actorId ?? null,
      actor.parent?.relation ?? null,
      actor.parent?.title ?? null,
      actor.acledInter ?? null,
      actor.mergedInto ?? null,
      version,
    ],
  );
  const keys = actor.names.map((name) => nameKeys(name.value));
  await db.query('DELETE FROM actor_names WHERE actor_id = $1', [actor.id]);
  await db.query(
    `INSERT INTO actor_names (actor_id, value, language, kind, folded, skeleton)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      actor.id,
      actor.names.map((name) => name.value),
      actor.names.map((name) => name.language),
      actor.names.map((name) => name.kind),
      keys.map((key) => key.folded),
      keys.map((key) => key.skeleton),
    ],
  );
}

/** English first, because the interface is; Arabic is always among the names shown with it. */
export function displayName(names: readonly ActorName[]): string {
  const primaries = names.filter((name) => name.kind === 'primary');
  return (primaries.find((name) => name.language === 'en') ?? primaries[0] ?? names[0])!.value;
}
