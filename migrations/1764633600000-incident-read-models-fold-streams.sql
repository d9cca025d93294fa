-- The incident read models no longer keep the incident's state: they fold each incident from
-- its own events (src/projections/stream-projection.ts), which lets a rebuild write every row
-- once, stream by stream. The state column cost more to write than all the others together.
ALTER TABLE incident_summaries DROP COLUMN state;
ALTER TABLE timeline_entries DROP COLUMN state;

-- migrate:down
-- The column comes back empty: rebuild both projections (`npm run cli -- projections rebuild`).
ALTER TABLE incident_summaries ADD COLUMN state jsonb;
ALTER TABLE timeline_entries ADD COLUMN state jsonb;
