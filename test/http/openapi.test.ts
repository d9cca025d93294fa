import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getMetadataStorage } from 'class-validator';
import * as actorCommands from '../../src/actors/http/dto/actor-commands.dto.js';
import { ActorNameDto } from '../../src/actors/http/dto/actor-name.dto.js';
import * as actorQueries from '../../src/actors/http/dto/actor-queries.dto.js';
import * as incidentBodies from '../../src/incidents/http/dto/index.js';
import * as placeQueries from '../../src/places/http/place-queries.dto.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/**
 * No swagger CLI plugin runs here, so a field without @ApiProperty would be missing from the
 * served document, and a field without a validator would be refused by the whitelist. This checks
 * the document the service serves against the validators, for every feature's DTOs.
 */

let t: TestApp;
let document: Record<string, any>;
beforeAll(async () => {
  t = await openTestApp();
  document = (await t.http().get('/docs-json').expect(200)).body;
});
afterAll(() => t.close());

const dtoClasses = (module: object) =>
  Object.entries(module).filter(([name, value]) => name.endsWith('Dto') && typeof value === 'function') as [string, Function][];

const bodies = [...dtoClasses(incidentBodies), ...dtoClasses(actorCommands), ...dtoClasses({ ActorNameDto })];
const queries = [...dtoClasses(actorQueries), ...dtoClasses(placeQueries)];

const validatedProperties = (dto: Function) =>
  [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName))].sort();

const operations = () =>
  Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

describe('the served OpenAPI document', () => {
  it.each(bodies)('documents exactly the fields %s validates', (name, dto) => {
    const schema = document.components.schemas[name];
    expect(schema).toBeDefined();
    expect(Object.keys(schema.properties).sort()).toEqual(validatedProperties(dto));
  });

  it.each(queries)('documents exactly the query parameters %s validates', (_, dto) => {
    const expected = validatedProperties(dto);
    const documented = operations().map(({ operation }) =>
      (operation.parameters ?? []).filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name).sort(),
    );
    expect(documented).toContainEqual(expected);
  });

  it('describes a request body for every POST', () => {
    const posts = operations().filter(({ method }) => method === 'post');
    expect(posts.length).toBeGreaterThanOrEqual(18);
    for (const { path, operation } of posts) {
      expect([path, operation.requestBody?.content?.['application/json']?.schema?.$ref]).toEqual([path, expect.stringMatching(/^#\/components\/schemas\/\w+Dto$/)]);
    }
  });
});
