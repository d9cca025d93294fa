import type { IncomingMessage } from 'node:http';
import { expect } from '@jest/globals';
import type request from 'supertest';
import type { Response } from 'supertest';
import type { Role } from '../../../src/access/roles.js';
import { en, incidentNaming, partOf, tribe, uniqueName } from '../../actors/support/actor-requests.js';
import type { TestApp } from '../../support/test-app.js';

/**
 * Every endpoint the service serves, with who may use it, written from issue 7 rather than read
 * from src/access/roles.ts: a test that derived the table from the grants would agree with any
 * mistake in them. The role matrix checks this table against GET /docs-json both ways, so an
 * endpoint added without a row here fails it until someone decides who may use it.
 *
 *   viewer    timelines, incidents, actors, places (and the change feed: it shows incidents)
 *   reporter  also records incidents and attaches sources
 *   editor    also corrects, verifies, disputes, retracts, manages actors; reads histories
 *   auditor   viewer, plus histories, the log feed /events, seals and verify (and the access log)
 *   admin     everything, keys included
 */

export const ROLES: Role[] = ['viewer', 'reporter', 'editor', 'auditor', 'admin'];

const ANYONE: Role[] = ['viewer', 'reporter', 'editor', 'auditor', 'admin'];
const RECORDERS: Role[] = ['reporter', 'editor', 'admin'];
const EDITORS: Role[] = ['editor', 'admin'];
const HISTORY_READERS: Role[] = ['editor', 'auditor', 'admin'];
const AUDITORS: Role[] = ['auditor', 'admin'];
const ADMINS: Role[] = ['admin'];

/** What the requests of one role's pass act on: its own incidents, actors and a key to revoke. */
export interface Fixture {
  incidentId: string;
  otherIncidentId: string;
  /** A name the incident keeps as reported, for an identification. */
  reportedName: string;
  /** An actor name added to the incident and then removed again. */
  addedName: string;
  actorId: string;
  survivorId: string;
  parentId: string;
  alias: string;
  /** A viewer key that only an admin's pass revokes. */
  keyName: string;
  /** Tells one pass's new key from another's. */
  tag: string;
}

export interface Endpoint {
  /** "METHOD /path" as GET /docs-json spells it. */
  operation: string;
  /** The permission a refusal must name, in the spec's words. */
  permission: 'read' | 'record' | 'edit' | 'read_history' | 'audit' | 'admin' | 'none';
  /** Who may use it; 'anyone' needs no key at all. */
  roles: Role[] | 'anyone';
  /** Writes send a body that would be recorded: a refusal then proves the guard is what kept it out. */
  body?: (f: Fixture) => object;
  /** What a write whose role may use it answers, so the body above is known to be good. */
  succeeds?: number;
}

export const ENDPOINTS: Endpoint[] = [
  { operation: 'GET /health', permission: 'none', roles: 'anyone' },

  // Incidents. The commands run in this order on one fixture, the retraction last.
  { operation: 'POST /incidents', permission: 'record', roles: RECORDERS, succeeds: 201, body: () => incidentNaming([{ name: uniqueName('Sheikh'), role: 'victim' }]) },
  { operation: 'GET /incidents/{id}', permission: 'read', roles: ANYONE },
  { operation: 'GET /incidents/{id}/history', permission: 'read_history', roles: HISTORY_READERS },
  {
    operation: 'POST /incidents/{id}/corrections',
    permission: 'edit',
    roles: EDITORS,
    succeeds: 200,
    body: () => ({ changes: { occurred: { from: '2020-07-30', precision: 'day' } }, reason: 'A second report dates it a day earlier.' }),
  },
  {
    operation: 'POST /incidents/{id}/fatalities',
    permission: 'edit',
    roles: EDITORS,
    succeeds: 200,
    body: () => ({ fatalities: { low: 1, best: 1, high: 2 }, reason: 'One death confirmed.' }),
  },
  {
    operation: 'POST /incidents/{id}/sources',
    permission: 'record',
    roles: RECORDERS,
    succeeds: 200,
    body: () => ({ outlet: 'Enab Baladi', language: 'ar', access: 'relayed' }),
  },
  { operation: 'POST /incidents/{id}/actors', permission: 'edit', roles: EDITORS, succeeds: 200, body: (f) => ({ actor: { name: f.addedName, role: 'target' } }) },
  {
    operation: 'POST /incidents/{id}/actors/removals',
    permission: 'edit',
    roles: EDITORS,
    succeeds: 200,
    body: (f) => ({ actor: { name: f.addedName, role: 'target' }, reason: 'Not a target after all.' }),
  },
  {
    operation: 'POST /incidents/{id}/actors/identifications',
    permission: 'edit',
    roles: EDITORS,
    succeeds: 200,
    body: (f) => ({ actor: { name: f.reportedName, role: 'victim' }, actorId: f.actorId, reason: 'A second report names him.' }),
  },
  { operation: 'POST /incidents/{id}/links', permission: 'edit', roles: EDITORS, succeeds: 200, body: (f) => ({ incidentId: f.otherIncidentId, relation: 'refers_to' }) },
  { operation: 'POST /incidents/{id}/verification', permission: 'edit', roles: EDITORS, succeeds: 200, body: () => ({ note: 'Confirmed by two outlets.' }) },
  { operation: 'POST /incidents/{id}/dispute', permission: 'edit', roles: EDITORS, succeeds: 200, body: () => ({ reason: 'The family denies the date.' }) },
  { operation: 'POST /incidents/{id}/retraction', permission: 'edit', roles: EDITORS, succeeds: 200, body: () => ({ reason: 'A duplicate.' }) },

  // The actor registry: reads for everyone, management for editors, histories for editors and auditors.
  { operation: 'GET /actors', permission: 'read', roles: ANYONE },
  { operation: 'POST /actors', permission: 'edit', roles: EDITORS, succeeds: 201, body: () => tribe() },
  { operation: 'GET /actors/{id}', permission: 'read', roles: ANYONE },
  { operation: 'GET /actors/{id}/history', permission: 'read_history', roles: HISTORY_READERS },
  { operation: 'POST /actors/{id}/aliases', permission: 'edit', roles: EDITORS, succeeds: 200, body: (f) => en(f.alias, 'alias') },
  {
    operation: 'POST /actors/{id}/aliases/removals',
    permission: 'edit',
    roles: EDITORS,
    succeeds: 200,
    body: (f) => ({ value: f.alias, language: 'en', reason: 'A misreading.' }),
  },
  { operation: 'POST /actors/{id}/renames', permission: 'edit', roles: EDITORS, succeeds: 200, body: () => ({ value: uniqueName('Tribe'), language: 'en', reason: 'Known so now.' }) },
  { operation: 'POST /actors/{id}/parent', permission: 'edit', roles: EDITORS, succeeds: 200, body: (f) => ({ parent: partOf(f.parentId) }) },
  { operation: 'POST /actors/{id}/merge', permission: 'edit', roles: EDITORS, succeeds: 200, body: (f) => ({ survivorId: f.survivorId, reason: 'The same tribe.' }) },
  { operation: 'POST /actors/{id}/merge/undo', permission: 'edit', roles: EDITORS, succeeds: 200, body: () => ({ reason: 'Two tribes after all.' }) },

  // Places and timelines: reads.
  { operation: 'GET /places', permission: 'read', roles: ANYONE },
  { operation: 'GET /places/resolve', permission: 'read', roles: ANYONE },
  { operation: 'GET /places/{pcode}', permission: 'read', roles: ANYONE },
  { operation: 'GET /timeline.csv', permission: 'read', roles: ANYONE },
  { operation: 'GET /timeline.geojson', permission: 'read', roles: ANYONE },
  { operation: 'GET /timeline', permission: 'read', roles: ANYONE },
  { operation: 'GET /timeline/stats', permission: 'read', roles: ANYONE },
  { operation: 'GET /regions/{pcode}/timeline', permission: 'read', roles: ANYONE },
  { operation: 'GET /actors/{id}/timeline', permission: 'read', roles: ANYONE },
  { operation: 'GET /changes', permission: 'read', roles: ANYONE },
  { operation: 'GET /events/stream', permission: 'read', roles: ANYONE },

  // The log itself, for auditors.
  { operation: 'GET /events', permission: 'audit', roles: AUDITORS },
  { operation: 'GET /audit/seals', permission: 'audit', roles: AUDITORS },
  { operation: 'GET /audit/verify', permission: 'audit', roles: AUDITORS },
  // Who was shown a confidential source: the auditors' record, as the audit permission says.
  { operation: 'GET /audit/access-log', permission: 'audit', roles: AUDITORS },

  // Keys, for admins only.
  { operation: 'POST /keys', permission: 'admin', roles: ADMINS, succeeds: 201, body: (f) => ({ name: `made-by-${f.tag}`, role: 'viewer' }) },
  { operation: 'GET /keys', permission: 'admin', roles: ADMINS },
  // Who am I: any key, so a page can show the controls its role allows.
  { operation: 'GET /keys/me', permission: 'read', roles: ANYONE },
  { operation: 'POST /keys/{name}/revocation', permission: 'admin', roles: ADMINS, succeeds: 200, body: () => ({ reason: 'Rotated.' }) },
];

export function mayUse(endpoint: Endpoint, role: Role): boolean {
  return endpoint.roles === 'anyone' || endpoint.roles.includes(role);
}

/** Every operation GET /docs-json documents, as "METHOD /path". */
export async function servedOperations(t: TestApp): Promise<string[]> {
  const document = (await t.anonymous().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
}

/** Fresh incidents, actors and a key for one pass over the table, made by the test's admin. */
export async function makeFixture(t: TestApp, tag: string): Promise<Fixture> {
  const http = t.http();
  const reportedName = uniqueName('Sheikh');
  const record = async (actors: object[]) => (await http.post('/incidents').send(incidentNaming(actors)).expect(201)).body.id as string;
  const register = async () => (await http.post('/actors').send(tribe()).expect(201)).body.id as string;
  const keyName = `revocable-${tag}`;
  await t.keys.create(keyName, 'viewer', 'test');
  return {
    incidentId: await record([{ name: reportedName, role: 'victim' }]),
    otherIncidentId: await record([]),
    reportedName,
    addedName: uniqueName('Tribe'),
    actorId: await register(),
    survivorId: await register(),
    parentId: await register(),
    alias: uniqueName('Clan'),
    keyName,
    tag,
  };
}

/** The path with the fixture's ids in place of its parameters. */
export function concretePath(endpoint: Endpoint, f: Fixture): string {
  const path = endpoint.operation.slice(endpoint.operation.indexOf(' ') + 1);
  return path
    .replace('{id}', path.startsWith('/actors') ? f.actorId : f.incidentId)
    .replace('{pcode}', 'SY09')
    .replace('{name}', f.keyName);
}

/** Sends the endpoint's request (with its body for writes) as the agent. */
export function send(agent: request.Agent, endpoint: Endpoint, f: Fixture): request.Test {
  const method = endpoint.operation.slice(0, endpoint.operation.indexOf(' '));
  const path = concretePath(endpoint, f);
  if (method === 'GET') return agent.get(path).parse(untilEndOrStream as unknown as Parameters<request.Test['parse']>[0]);
  if (method === 'POST') return agent.post(path).send(endpoint.body ? endpoint.body(f) : {});
  throw new Error(`No request written for ${endpoint.operation}`);
}

/** What a write could leave behind: events, and keys made or revoked. */
export async function writes(t: TestApp): Promise<{ events: number; keys: unknown[] }> {
  const events = Number((await t.db.pool.query('SELECT count(*) FROM events')).rows[0].count);
  const keys = (await t.db.pool.query('SELECT name, revoked_at FROM api_keys ORDER BY name')).rows;
  return { events, keys };
}

/** The request, with what it left behind: a refusal must leave nothing. */
export async function sendCounting(t: TestApp, agent: request.Agent, endpoint: Endpoint, f: Fixture) {
  const before = await writes(t);
  const response: Response = await send(agent, endpoint, f);
  const after = await writes(t);
  return { response, wroteNothing: JSON.stringify(after) === JSON.stringify(before) };
}

/** 401 as RFC 6750 asks: problem+json with a Bearer challenge, and nothing written. */
export function expectUnauthorized(endpoint: Endpoint, { response, wroteNothing }: { response: Response; wroteNothing: boolean }): void {
  expect({ operation: endpoint.operation, status: response.status, wroteNothing }).toEqual({
    operation: endpoint.operation,
    status: 401,
    wroteNothing: true,
  });
  expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+"/);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status: 401 });
}

/**
 * The body as JSON or text, except an event stream, which never ends: its head is all a test of
 * who may open it needs, so the connection is dropped there.
 */
function untilEndOrStream(response: IncomingMessage, done: (error: Error | null, body: unknown) => void): void {
  if (/^text\/event-stream/.test(response.headers['content-type'] ?? '')) {
    response.destroy();
    done(null, undefined);
    return;
  }
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (text += chunk));
  response.on('end', () => {
    try {
      done(null, /json/.test(response.headers['content-type'] ?? '') && text ? JSON.parse(text) : text);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
