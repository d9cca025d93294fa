-- The gazetteer: administrative units with their p-codes, names in every script and spelling,
-- and centroids. This is reference data, not event-sourced: it is copied from a published
-- gazetteer (OpenSyria for Syria, or a file given to `places load`) and replaced wholesale, in one
-- transaction, when that file changes. The file, whose hash place_sources keeps, is its history;
-- incidents record the p-codes and how they were resolved on their own events.

-- One row per country: which content its units were loaded from, so a reload happens only when
-- the shipped files (or the loader) change.
CREATE TABLE place_sources (
  country_code text        PRIMARY KEY,
  content_hash text        NOT NULL,
  -- 'bundled' for the countries that ship with the tracker, else the files given to `places load`
  origin       text        NOT NULL,
  unit_count   integer     NOT NULL,
  loaded_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE places (
  pcode        text     PRIMARY KEY,
  -- 0 country, 1 admin1 (governorate), 2 admin2 (district), 3 admin3 (subdistrict)
  level        smallint NOT NULL CHECK (level BETWEEN 0 AND 3),
  parent_pcode text     REFERENCES places (pcode),
  country_code text     NOT NULL,
  name_en      text     NOT NULL,
  name_ar      text,
  latitude     double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude    double precision CHECK (longitude BETWEEN -180 AND 180),
  -- p-codes from the country down to this unit itself: lineage[level + 1] is the unit's ancestor
  -- at a level, and a subtree is every unit whose lineage holds its root
  lineage      text[]   NOT NULL CHECK (cardinality(lineage) = level + 1 AND lineage[level + 1] = pcode),
  external_ids jsonb    NOT NULL DEFAULT '{}',
  -- On a country only: the box a point must fall in to be placed in it. There are no boundary
  -- polygons, only centroids, so this is the one test of "inside the country" there is.
  min_latitude  double precision,
  max_latitude  double precision,
  min_longitude double precision,
  max_longitude double precision,
  CHECK ((level = 0) = (parent_pcode IS NULL)),
  CHECK ((level = 0) = (min_latitude IS NOT NULL)),
  CHECK (min_latitude <= max_latitude AND min_longitude <= max_longitude)
);

CREATE INDEX places_parent ON places (parent_pcode);
CREATE INDEX places_country_level ON places (country_code, level);
CREATE INDEX places_lineage ON places USING gin (lineage);

-- Every name of every unit: the primary English and Arabic names (kind 'primary') and the
-- source's aliases with its own kinds (alias, alternate_spelling, formal, transliteration), with
-- the search keys of src/names/fold.ts.
CREATE TABLE place_names (
  pcode    text NOT NULL REFERENCES places (pcode) ON DELETE CASCADE,
  value    text NOT NULL,
  language text NOT NULL,
  kind     text NOT NULL,
  folded   text NOT NULL,
  skeleton text NOT NULL,
  PRIMARY KEY (pcode, language, value)
);

CREATE INDEX place_names_folded_trgm ON place_names USING gin (folded gin_trgm_ops);
CREATE INDEX place_names_skeleton ON place_names (skeleton) WHERE skeleton <> '';

-- migrate:down
DROP TABLE place_names;
DROP TABLE places;
DROP TABLE place_sources;
