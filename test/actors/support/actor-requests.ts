import { expect } from '@jest/globals';
import { randomInt } from 'node:crypto';
import type { Response, Test } from 'supertest';
import type { TestApp } from '../../support/test-app.js';

/**
 * Requests and bodies for the registry's HTTP tests. Every test registers actors of its own under
 * names nobody else has, so tests sharing one database never find each other's actors.
 */

export interface Name {
  value: string;
  language: string;
  kind: 'primary' | 'alias' | 'transliteration' | 'abbreviation';
}

export interface ActorView {
  id: string;
  kind: string;
  displayName: string;
  names: Name[];
  acledInter?: number;
  parentChain: { id: string; displayName: string; kind: string; relation: string; title?: string }[];
  mergedInto?: string;
  survivorId: string;
  version: number;
}

export interface ActorMatch {
  id: string;
  displayName: string;
  matchedName?: Name;
  score?: number;
}

export interface HistoryEntry {
  version: number;
  type: string;
  data: Record<string, unknown>;
  metadata: { actor: string; requestId: string };
}

const CONSONANTS = 'bdfjklmnprstvz';
const VOWELS = 'aeiou';

/**
 * A name no other actor has, such as "Tribe Kovabelusi": the designator ("Tribe", "Sheikh") is
 * dropped when names are folded, and five random consonants keep the outline of one name apart
 * from every other.
 */
export function uniqueName(designator = 'Tribe'): string {
  const letters = Array.from({ length: 5 }, () => CONSONANTS[randomInt(CONSONANTS.length)]! + VOWELS[randomInt(VOWELS.length)]!);
  const word = letters.join('');
  return `${designator} ${word[0]!.toUpperCase()}${word.slice(1)}`;
}

export const en = (value: string, kind: Name['kind'] = 'primary'): Name => ({ value, language: 'en', kind });

export const tribe = (name = uniqueName('Tribe'), extra: object = {}) => ({
  kind: 'tribe',
  names: [en(name)],
  acledInter: 4,
  ...extra,
});

export const person = (name: string, parent?: { actorId: string; relation: string; title?: string }) => ({
  kind: 'person',
  names: [en(name)],
  ...(parent && { parent }),
});

/** A minimal incident that names these actors. */
export const incidentNaming = (actors: object[]) => ({
  category: 'assassination',
  title: { text: 'Assassination of a tribal notable', language: 'en' },
  occurred: { from: '2020-07-31', precision: 'day' },
  place: { name: 'Eastern Deir ez-Zor countryside', countryCode: 'SY', precision: 'region' },
  actors,
  sources: [{ outlet: 'North Press', language: 'ar', access: 'relayed' }],
});

export const ids = (list: { id: string }[]) => list.map((item) => item.id);
export const eventTypes = (history: { type: string }[]) => history.map((event) => event.type);
export const partOf = (actorId: string) => ({ actorId, relation: 'part_of' });

export function actorRequests(t: TestApp) {
  const http = () => t.http();
  const eventCount = async () => Number((await t.db.pool.query('SELECT count(*) FROM events')).rows[0].count);

  return {
    http,
    eventCount,

    /** Registers the actor and answers its id. */
    async register(body: object = tribe()): Promise<string> {
      return (await http().post('/actors').send(body).expect(201)).body.id;
    },

    async get(id: string): Promise<ActorView> {
      return (await http().get(`/actors/${id}`).expect(200)).body;
    },

    async history(id: string): Promise<HistoryEntry[]> {
      return (await http().get(`/actors/${id}/history`).expect(200)).body.events;
    },

    /** The ids GET /actors?q= finds, best first. */
    async search(q: string): Promise<string[]> {
      return ((await http().get('/actors').query({ q }).expect(200)).body as ActorMatch[]).map((match) => match.id);
    },

    /** POST /actors/:id/<command>, e.g. command(id, 'aliases', {...}). */
    command(id: string, path: string, body: object): Test {
      return http().post(`/actors/${id}/${path}`).send(body);
    },

    /** Makes `id` part of `parentId`. */
    setParent(id: string, parentId: string): Test {
      return http().post(`/actors/${id}/parent`).send({ parent: partOf(parentId) });
    },

    /** Sends a request that must be refused: problem+json, and not one event written. */
    async refused(send: () => Test, status: number): Promise<Response> {
      const before = await eventCount();
      const response = await send();
      expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { status } });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await eventCount()).toBe(before);
      return response;
    },

    /** Records the incident and answers it as GET /incidents/:id shows it. */
    async recordIncident(actors: object[]): Promise<{ id: string; actors: Record<string, any>[] }> {
      const { id } = (await http().post('/incidents').send(incidentNaming(actors)).expect(201)).body;
      return (await http().get(`/incidents/${id}`).expect(200)).body;
    },
  };
}
