-- The actor registry's read model. It is written by the inline projection in the same
-- transaction as the actor's events (src/actors/actor-registry.projection.ts), so a name is
-- searchable the moment its event is recorded, and an incident recorded next resolves it.
CREATE TABLE actors (
  id             uuid        PRIMARY KEY,
  kind           text        NOT NULL,
  -- the name to show: the primary English name, else the first primary name
  display_name   text        NOT NULL,
  parent_id      uuid,
  parent_relation text,
  parent_title   text,
  acled_inter    smallint,
  -- while merged: the actor this one is a duplicate of
  merged_into    uuid,
  version        integer     NOT NULL,
  registered_at  timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);

CREATE INDEX actors_parent ON actors (parent_id);
CREATE INDEX actors_merged_into ON actors (merged_into);

-- Every name of every actor, with the search keys of src/names/fold.ts.
CREATE TABLE actor_names (
  actor_id uuid NOT NULL REFERENCES actors (id),
  value    text NOT NULL,
  language text NOT NULL,
  kind     text NOT NULL,
  folded   text NOT NULL,
  skeleton text NOT NULL,
  PRIMARY KEY (actor_id, language, value)
);

CREATE INDEX actor_names_folded_trgm ON actor_names USING gin (folded gin_trgm_ops);
CREATE INDEX actor_names_skeleton ON actor_names (skeleton) WHERE skeleton <> '';

-- Each actor with the one every reference to it resolves to: itself, or the end of its chain
-- of merges. Merges only go into actors that stand on their own, so chains have no cycles.
CREATE VIEW actor_survivors AS
WITH RECURSIVE chain (actor_id, survivor_id) AS (
  SELECT id, id FROM actors WHERE merged_into IS NULL
  UNION ALL
  SELECT merged.id, chain.survivor_id FROM actors merged JOIN chain ON merged.merged_into = chain.actor_id
)
SELECT actor_id, survivor_id FROM chain;

-- migrate:down
DROP VIEW actor_survivors;
DROP TABLE actor_names;
DROP TABLE actors;
