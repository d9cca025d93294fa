-- Read models of incidents, written only by projections (src/timelines/projections/) and read
-- only by queries. Each keeps the incident state it folds from (`state`), so a batch of events
-- needs one read of its own rows, never the events table.

-- Projection 'incident-summaries': each incident as it stands, for lists and the incident page.
CREATE TABLE incident_summaries (
  incident_id     uuid        PRIMARY KEY,
  version         integer     NOT NULL,
  status          text        NOT NULL,
  category        text        NOT NULL,
  title           text        NOT NULL,
  title_language  text        NOT NULL,
  occurred_from   date        NOT NULL,
  occurred_to     date        NOT NULL,
  date_precision  text        NOT NULL,
  place_name      text        NOT NULL,
  admin1          text,
  fatalities_best integer,
  recorded_at     timestamptz NOT NULL,
  last_changed_at timestamptz NOT NULL,
  -- the recording event's position, and the last event's
  position        bigint      NOT NULL,
  last_position   bigint      NOT NULL,
  state           jsonb       NOT NULL
);

CREATE INDEX incident_summaries_last_changed ON incident_summaries (last_changed_at DESC, incident_id);

-- Projection 'timeline': one entry per incident, and who took part in which role.
CREATE TABLE timeline_entries (
  incident_id          uuid        PRIMARY KEY,
  -- the recording event's global position: the order among entries of the same date
  position             bigint      NOT NULL,
  occurred_from        date        NOT NULL,
  occurred_to          date        NOT NULL,
  date_precision       text        NOT NULL,
  category             text        NOT NULL,
  acled_disorder_type  text,
  acled_event_type     text,
  acled_sub_event_type text,
  cameo_code           text,
  country_code         text        NOT NULL,
  admin1               text,
  admin2               text,
  admin3               text,
  place_name           text        NOT NULL,
  place_precision      text        NOT NULL,
  latitude             double precision,
  longitude            double precision,
  actors               jsonb       NOT NULL,
  fatalities_low       integer,
  fatalities_best      integer,
  fatalities_high      integer,
  status               text        NOT NULL,
  title                text        NOT NULL,
  title_language       text        NOT NULL,
  -- folded title, summary, translations, place, actor names and tags (src/names/fold.ts)
  search               text        NOT NULL,
  version              integer     NOT NULL,
  recorded_at          timestamptz NOT NULL,
  last_changed_at      timestamptz NOT NULL,
  last_position        bigint      NOT NULL,
  state                jsonb       NOT NULL
);

-- Every timeline query reads in (occurred_from, position) order from a starting date; the
-- region indexes serve region=<p-code> at each level without a sort.
CREATE INDEX timeline_entries_order ON timeline_entries (occurred_from, position);
CREATE INDEX timeline_entries_country_order ON timeline_entries (country_code, occurred_from, position);
CREATE INDEX timeline_entries_admin1_order ON timeline_entries (admin1, occurred_from, position);
CREATE INDEX timeline_entries_admin2_order ON timeline_entries (admin2, occurred_from, position);
CREATE INDEX timeline_entries_admin3_order ON timeline_entries (admin3, occurred_from, position);
CREATE INDEX timeline_entries_category_order ON timeline_entries (category, occurred_from, position);
-- how far back a date range must look: the longest occurrence range there is
CREATE INDEX timeline_entries_span ON timeline_entries ((occurred_to - occurred_from));
CREATE INDEX timeline_entries_search ON timeline_entries USING gin (search gin_trgm_ops);

CREATE TABLE timeline_actors (
  incident_id   uuid   NOT NULL,
  -- the registry id as recorded; queries follow merges through actor_survivors
  actor_id      uuid,
  name          text,
  role          text   NOT NULL,
  occurred_from date   NOT NULL,
  position      bigint NOT NULL
);

CREATE INDEX timeline_actors_incident ON timeline_actors (incident_id);
CREATE INDEX timeline_actors_actor_order ON timeline_actors (actor_id, occurred_from, position);

-- migrate:down
DROP TABLE timeline_actors;
DROP TABLE timeline_entries;
DROP TABLE incident_summaries;
