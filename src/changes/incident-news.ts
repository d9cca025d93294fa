/** One incident event as GET /events/stream sends it: enough to know what to fetch again. */
export interface IncidentNews {
  incidentId: string;
  type: string;
  version: number;
  position: number;
  checkpoint: string;
}
