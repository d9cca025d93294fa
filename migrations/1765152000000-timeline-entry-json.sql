-- Each timeline entry keeps the JSON GET /timeline answers for it, written by the timeline
-- projection (src/timelines/projections/timeline.projection.ts) when the entry changes, where the
-- page query used to build it from the columns at every read: that was most of a read's cost.
ALTER TABLE timeline_entries ADD COLUMN entry text;

-- Entries written before: their JSON as the page query built it, member for member what the
-- projection now writes, so nothing need be rebuilt.
UPDATE timeline_entries e SET entry = json_strip_nulls(json_build_object(
  'id', e.incident_id,
  'title', json_build_object('text', e.title, 'language', e.title_language),
  'category', e.category,
  'acled', CASE WHEN e.acled_event_type IS NOT NULL THEN json_build_object(
    'disorderType', e.acled_disorder_type, 'eventType', e.acled_event_type, 'subEventType', e.acled_sub_event_type) END,
  'cameo', e.cameo_code,
  'occurred', json_build_object('from', e.occurred_from, 'to', e.occurred_to, 'precision', e.date_precision),
  'place', json_build_object('name', e.place_name, 'countryCode', e.country_code, 'admin1', e.admin1, 'admin2', e.admin2,
    'admin3', e.admin3, 'latitude', e.latitude, 'longitude', e.longitude, 'precision', e.place_precision),
  'actors', e.actors,
  'fatalities', CASE WHEN e.fatalities_best IS NOT NULL THEN json_build_object(
    'low', e.fatalities_low, 'best', e.fatalities_best, 'high', e.fatalities_high) END,
  'status', e.status,
  'version', e.version,
  'position', e.position,
  'recordedAt', to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'lastChangedAt', to_char(e.last_changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
))::text;

ALTER TABLE timeline_entries ALTER COLUMN entry SET NOT NULL;

-- migrate:down
ALTER TABLE timeline_entries DROP COLUMN entry;
