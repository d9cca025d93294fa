-- Projection 'timeline-counts': the charts' numbers, kept up to date as incidents change
-- (src/timelines/projections/timeline-counts.projection.ts). Each row adds up the incidents
-- (and their best fatality estimates) that share a month, region, category and status, or a
-- month, registry actor, category and status. `month` is the month an incident began and
-- `month_to` the month it ended: with both, "overlaps these whole months" is exact.
CREATE TABLE timeline_counts (
  month        date    NOT NULL,
  month_to     date    NOT NULL,
  country_code text    NOT NULL,
  admin1       text,
  admin2       text,
  category     text    NOT NULL,
  status       text    NOT NULL,
  incidents    integer NOT NULL,
  fatalities   bigint  NOT NULL
);
CREATE UNIQUE INDEX timeline_counts_key
  ON timeline_counts (month, month_to, country_code, admin1, admin2, category, status) NULLS NOT DISTINCT;

-- An incident counts once for each registry actor it names, whatever the actor's roles.
CREATE TABLE timeline_actor_counts (
  actor_id   uuid    NOT NULL,
  month      date    NOT NULL,
  month_to   date    NOT NULL,
  category   text    NOT NULL,
  status     text    NOT NULL,
  incidents  integer NOT NULL,
  fatalities bigint  NOT NULL
);
CREATE UNIQUE INDEX timeline_actor_counts_key ON timeline_actor_counts (actor_id, month, month_to, category, status);

-- The projection starts from the beginning of the log, whatever a checkpoint of that name says.
DELETE FROM projection_checkpoints WHERE name IN ('timeline-counts', 'timeline-counts__rebuild');

-- migrate:down
DELETE FROM projection_checkpoints WHERE name IN ('timeline-counts', 'timeline-counts__rebuild');
DROP TABLE timeline_actor_counts;
DROP TABLE timeline_counts;
