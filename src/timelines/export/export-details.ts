import type { EventStore, Queryable, RecordedEvent } from '../../event-store/index.js';
import type { RecordedIncident } from '../../incidents/domain/index.js';
import { foldIncident, incidentStreamId } from '../../incidents/incident-stream.js';
import type { TimelineEntry } from '../projections/timeline.projection.js';
import { exportRecord, type ExportRecord, type GazetteerUnit, type RegistryActor } from './export-record.js';

/**
 * What a page of export rows needs besides its timeline entries, in one query each per page:
 * the incidents' summaries, sources and external ids, their registry actors' names and ACLED
 * codes, and their places' names and centroids. Gazetteer units are remembered for the export's
 * length (there are a few hundred per country); nothing else outlives its page.
 */
export class ExportDetails {
  private readonly places = new Map<string, GazetteerUnit>();
  private readonly placesLookedUp = new Set<string>();

  constructor(
    private readonly db: Queryable,
    private readonly store: EventStore,
  ) {}

  async records(entries: readonly TimelineEntry[]): Promise<ExportRecord[]> {
    if (entries.length === 0) return [];
    const incidents = await this.incidents(entries);
    const states = [...incidents.values()];
    const actors = await this.registryActors(states.flatMap((state) => state.actors.flatMap((actor) => actor.actorId ?? [])));
    await this.lookUpPlaces(states.flatMap(({ place }) => [place.countryCode, place.admin1, place.admin2, place.admin3].filter(isText)));
    return entries.map((entry) => exportRecord(entry, incidents.get(entry.id)!, { actors, places: this.places }));
  }

  /**
   * Each incident at the version its entry shows, folded from its own stream. The timeline read
   * model keeps no summary, sources or external ids, and only a projection may add them to it
   * (with a migration); until one does, these indexed reads of a page's streams fill them in.
   * Reading up to the entry's version keeps the row as one version of the incident even when it
   * changes meanwhile.
   */
  private async incidents(entries: readonly TimelineEntry[]): Promise<Map<string, RecordedIncident>> {
    const events = await this.store.readStreamsBefore(
      entries.map((entry) => ({ streamId: incidentStreamId(entry.id), beforeVersion: entry.version + 1 })),
    );
    const streams = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const stream = streams.get(event.streamId);
      if (stream) stream.push(event);
      else streams.set(event.streamId, [event]);
    }
    const incidents = new Map<string, RecordedIncident>();
    for (const entry of entries) {
      const { state, version } = foldIncident(streams.get(incidentStreamId(entry.id)) ?? []);
      if (state.status === 'not_recorded' || version !== entry.version) {
        throw new Error(`incident ${entry.id} is at version ${entry.version} on the timeline, but its stream folds to version ${version}`);
      }
      incidents.set(entry.id, state);
    }
    return incidents;
  }

  /** Registry actors by the ids incidents give, each as its survivor after merges. */
  private async registryActors(ids: string[]): Promise<Map<string, RegistryActor>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.db.query(
      `SELECT s.actor_id::text AS id, a.display_name, a.kind, a.acled_inter
       FROM actor_survivors s JOIN actors a ON a.id = s.survivor_id
       WHERE s.actor_id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Map(
      rows.map((row) => [row.id, { displayName: row.display_name, kind: row.kind, acledInter: row.acled_inter ?? undefined }]),
    );
  }

  /** The gazetteer's units (reference data) by p-code, and countries by code. */
  private async lookUpPlaces(pcodes: string[]): Promise<void> {
    const missing = [...new Set(pcodes)].filter((pcode) => !this.placesLookedUp.has(pcode));
    if (missing.length === 0) return;
    const { rows } = await this.db.query('SELECT pcode, level, name_en, latitude, longitude FROM places WHERE pcode = ANY($1::text[])', [
      missing,
    ]);
    for (const row of rows) {
      this.places.set(row.pcode, {
        level: row.level,
        nameEn: row.name_en,
        latitude: row.latitude ?? undefined,
        longitude: row.longitude ?? undefined,
      });
    }
    for (const pcode of missing) this.placesLookedUp.add(pcode);
  }
}

const isText = (value: string | undefined): value is string => Boolean(value);
