import { randomUUID } from 'node:crypto';
import { assassinationBody } from '../../../src/incidents/http/dto/testing/worked-example-body.js';
import type { TestApp } from '../../support/test-app.js';
import { describeOperation, referencedSchemas, type ApiSurface, type Operation, type Schema } from './api-surface.js';

/**
 * Real incidents, actors and keys for hostile requests to aim at, so that they get past "no such
 * id" into validation and the domain rules, and a valid body for every endpoint to spoil.
 */

export interface IncidentSubject {
  id: string;
  sourceIds: string[];
  /** The actors as reported, as the incident holds them. */
  actors: { name: string; role: string }[];
}

export interface ActorSubject {
  id: string;
  alias: { value: string; language: string };
}

export interface Subjects {
  incident: IncidentSubject;
  /** Another incident, to link to. */
  otherIncidentId: string;
  actor: ActorSubject;
  /** Another actor: a parent, a survivor, a registry id to identify with. */
  otherActorId: string;
  /** A key that may be revoked (never the test's own). */
  keyName: string;
}

const REASON = 'A second report, read after the first.';

/** A word no other test's actor has: the registry folds names, and close ones would meet. */
const uniqueWord = () => `Hostile${randomUUID().slice(0, 8).replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)]!)}`;

/** An incident of the worked example that names two actors as reported, on one source. */
export function incidentBody(): Record<string, any> {
  const body = assassinationBody();
  delete body.related;
  body.title.text = `${body.title.text} ${uniqueWord()}`;
  return body;
}

/** Valid bodies by endpoint; one not listed gets a body made from its schema (validBodyFromSchema). */
const VALID_BODIES: Record<string, (subjects: Subjects) => unknown> = {
  'POST /incidents': () => incidentBody(),
  'POST /incidents/{id}/corrections': () => ({
    changes: { occurred: { from: '2020-07-31', precision: 'day' }, summary: null, tags: ['tribal-notables', 'corrected'] },
    reason: REASON,
  }),
  'POST /incidents/{id}/fatalities': (s) => ({
    fatalities: { low: 2, best: 3, high: 4, byParty: [{ party: 'civilians', deaths: 3 }] },
    reason: REASON,
    sourceId: s.incident.sourceIds[0],
  }),
  'POST /incidents/{id}/sources': () => ({
    outlet: 'Enab Baladi',
    reporter: 'Reporter',
    url: `https://example.org/enab-baladi/${randomUUID()}`,
    publishedOn: '2020-08-09',
    language: 'ar',
    access: 'first_hand',
    medium: 'web',
    quote: { text: 'نص الاقتباس', language: 'ar' },
    quoteTranslations: [{ text: 'The quote', language: 'en' }],
    reliability: 'C',
    credibility: 3,
  }),
  'POST /incidents/{id}/actors': (s) => ({
    actor: { name: 'مسلحون مجهولون', role: 'perpetrator', affiliation: 'unknown', note: 'as reported' },
    reason: REASON,
    sourceId: s.incident.sourceIds[0],
  }),
  'POST /incidents/{id}/actors/removals': (s) => ({ actor: s.incident.actors[0], reason: REASON }),
  'POST /incidents/{id}/actors/identifications': (s) => ({
    actor: s.incident.actors[1],
    actorId: s.otherActorId,
    reason: REASON,
    sourceId: s.incident.sourceIds[0],
  }),
  'POST /incidents/{id}/links': (s) => ({ incidentId: s.otherIncidentId, relation: 'refers_to' }),
  'POST /incidents/{id}/verification': (s) => ({ sourceIds: s.incident.sourceIds, note: 'Confirmed by two outlets.' }),
  'POST /incidents/{id}/dispute': () => ({ reason: REASON }),
  'POST /incidents/{id}/retraction': () => ({ reason: REASON }),
  'POST /actors': (s) => ({
    kind: 'tribe',
    names: [
      { value: `Tribe ${uniqueWord()}`, language: 'en', kind: 'primary' },
      { value: 'عشيرة العكيدات', language: 'ar', kind: 'primary' },
    ],
    parent: { actorId: s.otherActorId, relation: 'part_of', title: 'clan' },
    acledInter: 4,
  }),
  'POST /actors/{id}/aliases': () => ({ value: `Egaidat ${uniqueWord()}`, language: 'en', kind: 'transliteration' }),
  'POST /actors/{id}/aliases/removals': (s) => ({ ...s.actor.alias, reason: REASON }),
  'POST /actors/{id}/renames': () => ({ value: `Renamed ${uniqueWord()}`, language: 'en', reason: REASON }),
  'POST /actors/{id}/parent': (s) => ({ parent: { actorId: s.otherActorId, relation: 'member_of', title: 'sheikh' }, reason: REASON }),
  'POST /actors/{id}/merge': (s) => ({ survivorId: s.otherActorId, reason: REASON }),
  'POST /actors/{id}/merge/undo': () => ({ reason: REASON }),
  'POST /keys': () => ({ name: `hostile-${randomUUID()}`, role: 'viewer' }),
  'POST /keys/{name}/revocation': () => ({ reason: 'laptop lost' }),
};

export class World {
  private current?: Subjects;
  private otherIncidentId?: string;
  private otherActorId?: string;

  constructor(
    private readonly t: TestApp,
    private readonly surface: ApiSurface,
  ) {}

  /** The subjects to aim at: the same ones until a request changes them (see `changed`). */
  async subjects(): Promise<Subjects> {
    if (this.current) return this.current;
    const http = this.t.http();
    this.otherIncidentId ??= (await http.post('/incidents').send(incidentBody()).expect(201)).body.id as string;
    this.otherActorId ??= (await http.post('/actors').send(actorBody()).expect(201)).body.id as string;
    const { id } = (await http.post('/incidents').send(incidentBody()).expect(201)).body;
    const incident = (await http.get(`/incidents/${id}`).expect(200)).body;
    const alias = { value: `Alias ${uniqueWord()}`, language: 'en' };
    const actorId = (await http.post('/actors').send(actorBody(alias)).expect(201)).body.id as string;
    const keyName = `hostile-spare-${randomUUID()}`;
    await http.post('/keys').send({ name: keyName, role: 'viewer' }).expect(201);
    this.current = {
      incident: {
        id,
        sourceIds: incident.sources.map((source: { id: string }) => source.id),
        actors: incident.actors.map(({ name, role }: { name: string; role: string }) => ({ name, role })),
      },
      otherIncidentId: this.otherIncidentId,
      actor: { id: actorId, alias },
      otherActorId: this.otherActorId,
      keyName,
    };
    return this.current;
  }

  /** Ids that stay real for the whole file (the other incident and actor), once `subjects` has run. */
  knownIds(): { incidentId: string; actorId: string } {
    if (!this.otherIncidentId || !this.otherActorId) throw new Error('World.subjects() makes the known ids');
    return { incidentId: this.otherIncidentId, actorId: this.otherActorId };
  }

  /** Makes the subjects ready for the operation (a merge before its undo); the next case then gets fresh ones. */
  async prepare(operation: Operation, subjects: Subjects): Promise<void> {
    if (describeOperation(operation) === 'POST /actors/{id}/merge/undo') {
      await this.t.http().post(`/actors/${subjects.actor.id}/merge`).send({ survivorId: subjects.otherActorId, reason: REASON }).expect(200);
      this.changed();
    }
  }

  /** A request changed the subjects (recorded, retracted, merged, revoked): the next case gets fresh ones. */
  changed(): void {
    this.current = undefined;
  }

  /** Real values for the path's parameters: the subjects' ids, a p-code, the spare key's name. */
  pathValues(operation: Operation, subjects: Subjects): Record<string, string> {
    const values: Record<string, string> = {};
    for (const name of operation.pathParams) {
      if (name === 'pcode') values[name] = 'SY0902';
      else if (name === 'name' && operation.path.startsWith('/keys/')) values[name] = subjects.keyName;
      else if (operation.path.startsWith('/actors/')) values[name] = subjects.actor.id;
      else values[name] = subjects.incident.id;
    }
    return values;
  }

  /** A body the endpoint accepts on these subjects (once `prepare` has run); undefined for one that takes none. */
  validBody(operation: Operation, subjects: Subjects): unknown {
    if (!operation.body) return undefined;
    const known = VALID_BODIES[describeOperation(operation)];
    return known ? known(subjects) : validBodyFromSchema(this.surface, operation.body);
  }
}

function actorBody(alias?: { value: string; language: string }) {
  return {
    kind: 'tribe',
    names: [
      { value: `Tribe ${uniqueWord()}`, language: 'en', kind: 'primary' },
      ...(alias ? [{ ...alias, kind: 'alias' }] : []),
    ],
  };
}

/**
 * A body for an endpoint this file does not know yet, from its schema: every property, with its
 * example, else its enum's first value, else a value of its type and format. Not always valid for
 * the domain, but valid enough for the hostile tests to spoil one field at a time.
 */
export function validBodyFromSchema(surface: ApiSurface, name: string, depth = 0): unknown {
  const schema = surface.schemas[name];
  if (!schema || depth > 5) return {};
  const body: Record<string, unknown> = {};
  for (const [property, definition] of Object.entries<Schema>(schema.properties ?? {})) {
    body[property] = valueFor(surface, definition, depth);
  }
  return body;
}

function valueFor(surface: ApiSurface, definition: Schema, depth: number): unknown {
  if (definition.example !== undefined) return definition.example;
  if (definition.enum) return definition.enum[0];
  if (definition.type === 'array') return [valueFor(surface, definition.items ?? {}, depth + 1)];
  const [ref] = referencedSchemas({ $ref: definition.$ref, allOf: definition.allOf });
  if (ref) return surface.schemas[ref]?.enum?.[0] ?? validBodyFromSchema(surface, ref, depth + 1);
  switch (definition.type) {
    case 'integer':
    case 'number':
      return definition.minimum ?? 1;
    case 'boolean':
      return false;
    case 'object':
      return {};
    default:
      if (definition.format === 'uuid') return randomUUID();
      if (definition.format === 'date') return '2020-08-08';
      if (definition.format === 'date-time') return '2020-08-08T12:00:00Z';
      if (definition.format === 'uri') return 'https://example.org/';
      return 'text';
  }
}
