-- Projection 'access-log' (src/audit/access-log/): every read that showed a confidential source
-- in full, one row per source shown, from the access.confidential_sources_read events (each read
-- is a stream of its own, access-<read_id>). Auditors query it by reader, incident or source
-- (GET /audit/access-log); the events stay the record.
CREATE TABLE access_log (
  read_id         uuid        NOT NULL,
  global_position bigint      NOT NULL,
  source_id       uuid        NOT NULL,
  incident_id     uuid        NOT NULL,
  read_at         timestamptz NOT NULL,
  reader          text        NOT NULL,
  role            text        NOT NULL,
  via             text        NOT NULL,
  request_id      text,
  PRIMARY KEY (read_id, source_id)
);
CREATE INDEX access_log_in_order ON access_log (global_position);
CREATE INDEX access_log_by_reader ON access_log (reader, global_position);
CREATE INDEX access_log_by_incident ON access_log (incident_id, global_position);
CREATE INDEX access_log_by_source ON access_log (source_id, global_position);
