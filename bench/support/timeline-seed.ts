import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { IncidentRecordedData } from '../../src/incidents/domain/index.js';

/**
 * Synthetic incidents for the timeline benchmark: spread over Syria's 272 subdistricts, eight
 * years and a few categories, each naming two of a set of registry actors. Seeded with SQL, in
 * chunks, straight into the log: a million appends through the API would measure the API.
 */

const CATEGORIES = ['assassination', 'armed_clash', 'air_or_drone_strike', 'shelling_artillery_missile', 'arrest', 'statement', 'accusation', 'meeting'];
const DAYS = 8 * 365;

/** Registry actors, written to the registry's read model directly (the log is not the point here). */
export async function seedActors(pool: pg.Pool, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await pool.query(
    `INSERT INTO actors (id, kind, display_name, version, registered_at, updated_at)
     SELECT id, 'armed_group', 'Actor ' || n, 1, now(), now() FROM unnest($1::uuid[]) WITH ORDINALITY AS a(id, n)`,
    [ids],
  );
  return ids;
}

/**
 * The seeds write events in SQL, which cannot compute their canonical hashes: they lift the rule
 * that every event comes hashed, and a benchmark that needs the hashes runs hashUnhashedEvents.
 */
async function allowUnhashedEvents(pool: pg.Pool): Promise<void> {
  await pool.query('ALTER TABLE events DROP CONSTRAINT IF EXISTS events_hashed');
}

export async function seedIncidents(pool: pg.Pool, count: number, actorIds: string[]): Promise<void> {
  await allowUnhashedEvents(pool);
  const chunk = 100_000;
  for (let first = 1; first <= count; first += chunk) {
    await pool.query(
      `WITH units AS (
         SELECT row_number() OVER (ORDER BY pcode) - 1 AS n, lineage, name_en FROM places WHERE level = 3 AND country_code = 'SY'
       ), unit_count AS (SELECT count(*) AS total FROM units),
       numbered AS (
         SELECT i, gen_random_uuid() AS id, (date '2016-01-01' + ((i::bigint * 7919) % $4)::int) AS day FROM generate_series($1::int, $2::int) AS i
       )
       INSERT INTO events (stream_id, stream_version, type, data, metadata)
       SELECT 'incident-' || g.id, 1, 'incident.recorded', jsonb_build_object(
         'id', g.id,
         'category', ($5::text[])[1 + g.i % cardinality($5::text[])],
         'title', jsonb_build_object('text', 'Incident ' || g.i || ' near ' || u.name_en, 'language', 'en'),
         'translations', '[]'::jsonb,
         'occurred', jsonb_build_object('from', g.day, 'to', g.day, 'precision', 'day'),
         'place', jsonb_build_object('name', u.name_en, 'countryCode', 'SY', 'admin1', u.lineage[2], 'admin2', u.lineage[3],
                                     'admin3', u.lineage[4], 'precision', 'locality'),
         'actors', jsonb_build_array(
           jsonb_build_object('actorId', ($3::uuid[])[1 + g.i % cardinality($3::uuid[])], 'name', 'Actor A', 'role', 'perpetrator'),
           jsonb_build_object('actorId', ($3::uuid[])[1 + (g.i * 7 + 3) % cardinality($3::uuid[])], 'name', 'Actor B', 'role', 'target')),
         'fatalities', jsonb_build_object('low', g.i % 4, 'best', g.i % 5, 'high', g.i % 5 + 2),
         'sources', jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'outlet', 'UCDP GED', 'language', 'en', 'access', 'relayed')),
         'related', '[]'::jsonb,
         'tags', '[]'::jsonb),
         '{"actor": "bench"}'::jsonb
       FROM numbered g, unit_count JOIN units u ON true
       WHERE u.n = g.i % unit_count.total`,
      [first, Math.min(count, first + chunk - 1), actorIds, DAYS, CATEGORIES],
    );
  }
}

/** One incident for the lag run, shaped like the seeded ones. */
export function recordedIncident(id: string, i: number): { type: string; data: IncidentRecordedData } {
  return {
    type: 'incident.recorded',
    data: {
      id,
      category: 'armed_clash',
      title: { text: `Lag probe ${i}`, language: 'en' },
      translations: [],
      occurred: { from: '2024-01-01', to: '2024-01-01', precision: 'day' },
      place: { name: 'Hajin', countryCode: 'SY', admin1: 'SY09', admin2: 'SY0902', admin3: 'SY090201', precision: 'locality' },
      actors: [{ name: 'SDF', role: 'perpetrator' }],
      sources: [{ id: randomUUID(), outlet: 'UCDP GED', language: 'en', access: 'relayed' }],
      related: [],
      tags: [],
    },
  };
}

/**
 * What usually follows a recording: every incident gets a second source, one in two is then
 * verified and one in four has its fatalities revised (2.75 events per incident on average).
 * The follow-ups come later in the log, as they do in practice.
 */
export async function seedFollowUps(pool: pg.Pool): Promise<void> {
  await allowUnhashedEvents(pool);
  const source = `md5('source' || stream_id)::uuid`;
  await pool.query(
    `INSERT INTO events (stream_id, stream_version, type, data, metadata)
     SELECT stream_id, 2, 'incident.source_attached',
            jsonb_build_object('source', jsonb_build_object('id', ${source}, 'outlet', 'Syrian Observatory for Human Rights',
                                                            'language', 'en', 'access', 'relayed')),
            '{"actor": "bench"}'::jsonb
     FROM events WHERE stream_version = 1 ORDER BY global_position`,
  );
  await pool.query(
    `INSERT INTO events (stream_id, stream_version, type, data, metadata)
     SELECT stream_id, 3,
            CASE WHEN global_position % 2 = 0 THEN 'incident.verified' ELSE 'incident.fatalities_revised' END,
            CASE WHEN global_position % 2 = 0 THEN jsonb_build_object('sourceIds', jsonb_build_array(${source}))
                 ELSE jsonb_build_object('fatalities', jsonb_build_object('low', 1, 'best', 2, 'high', 3), 'reason', 'a later count') END,
            '{"actor": "bench"}'::jsonb
     FROM events WHERE stream_version = 1 AND global_position % 4 IN (0, 1, 2)
     ORDER BY global_position`,
  );
}
