import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../../../src/event-store/index.js';
import type { IncidentRecordedData } from '../../../src/incidents/domain/index.js';

/**
 * Incidents for the projection tests, appended straight to the event store (thousands of them:
 * HTTP would only slow the tests down). Incident number `n` is recorded, then gets `n % 3`
 * corrections, which alternate between a new title and an added actor: both show in the read
 * models, and an added actor applied twice would show as a doubled involvement row.
 */

export const streamOf = (id: string) => `incident-${id}`;

const AKIDAT = '5d1c48a4-0003-4000-8000-000000000006';

export function recorded(id: string, n: number): NewEvent {
  const data: IncidentRecordedData = {
    id,
    category: n % 2 ? 'assassination' : 'armed_clash',
    title: { text: `Incident ${n}`, language: 'en' },
    translations: [],
    occurred: { from: '2020-07-26', to: '2020-08-01', precision: 'week' },
    place: { name: 'ريف دير الزور الشرقي', countryCode: 'SY', admin1: 'SY09', precision: 'region' },
    actors: [
      { name: `Victim of incident ${n}`, role: 'victim' },
      { actorId: AKIDAT, name: 'عشيرة العكيدات', role: 'accuser' },
    ],
    fatalities: { low: 1, best: 1, high: 2 },
    sources: [{ id: randomUUID(), outlet: 'نورث برس', language: 'ar', access: 'relayed' }],
    related: [],
    tags: [],
  };
  return { type: 'incident.recorded', data };
}

/** The `k`-th correction (from 1) of incident `n`. */
export function correction(n: number, k: number): NewEvent {
  if ((n + k) % 2 === 0) {
    return {
      type: 'incident.corrected',
      data: { changes: { title: { text: `Incident ${n}, correction ${k}`, language: 'en' } }, reason: 'a later report' },
    };
  }
  return {
    type: 'incident.actor_added',
    data: { actor: { name: `Witness ${k} of incident ${n}`, role: 'participant' }, reason: 'a later report' },
  };
}

export const correctionsOf = (n: number): NewEvent[] => Array.from({ length: n % 3 }, (_, k) => correction(n, k + 1));

export interface Appended {
  ids: string[];
  events: number;
}

/**
 * Records incidents `first`..`first + count - 1` with their corrections, one append per event,
 * `concurrency` at a time.
 */
export async function appendIncidents(store: EventStore, first: number, count: number, concurrency = 8): Promise<Appended> {
  const ids: string[] = [];
  let events = 0;
  let next = first;
  const writer = async () => {
    while (next < first + count) {
      const n = next++;
      const id = randomUUID();
      ids.push(id);
      await store.append(streamOf(id), 'no_stream', [recorded(id, n)]);
      let version = 1;
      for (const event of correctionsOf(n)) await store.append(streamOf(id), version++, [event]);
      events += version;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  return { ids, events };
}
