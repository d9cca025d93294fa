import type { TestApp } from '../../support/test-app.js';

/**
 * Every endpoint as the served OpenAPI document lists it, so that an endpoint added later is
 * fuzzed without anyone remembering to add it here.
 */

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The template, as documented: /incidents/{id}/sources. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** Each query parameter's schema, for values that get past its first check. */
  querySchemas: Record<string, Schema>;
  headers: string[];
  /** The name of the request body's schema (RecordIncidentDto), if it takes one. */
  body?: string;
  /** Anything but GET and HEAD: changes something, so junk must be refused with a 4xx. */
  writes: boolean;
}

export type Schema = Record<string, any>;

export interface ApiSurface {
  operations: Operation[];
  schemas: Record<string, Schema>;
  /** Every property name of every request schema: junk objects use them to look like the API's. */
  fieldNames: string[];
}

export async function apiSurface(t: TestApp): Promise<ApiSurface> {
  const document = (await t.http().get('/docs-json').expect(200)).body;
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries<Record<string, any>>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(methods)) {
      const parameters: { in: string; name: string; schema?: Schema }[] = operation.parameters ?? [];
      const named = (where: string) => parameters.filter((p) => p.in === where).map((p) => p.name);
      const ref: string | undefined = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      operations.push({
        method: method as Operation['method'],
        path,
        pathParams: named('path'),
        queryParams: named('query'),
        querySchemas: Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}])),
        headers: named('header'),
        body: ref?.split('/').at(-1),
        writes: method !== 'get' && method !== 'head',
      });
    }
  }
  const schemas: Record<string, Schema> = document.components?.schemas ?? {};
  const requestSchemas = operations.flatMap((operation) => (operation.body ? [operation.body] : []));
  const fieldNames = new Set<string>();
  const collect = (schema: Schema | undefined, seen: Set<Schema>) => {
    if (!schema || seen.has(schema)) return;
    seen.add(schema);
    for (const [name, property] of Object.entries<Schema>(schema.properties ?? {})) {
      fieldNames.add(name);
      for (const nested of referencedSchemas(property)) collect(schemas[nested], seen);
    }
  };
  for (const name of requestSchemas) collect(schemas[name], new Set());
  return { operations, schemas, fieldNames: [...fieldNames].sort() };
}

/** The schemas a property refers to, directly, through allOf, or as the items of a list. */
export function referencedSchemas(property: Schema): string[] {
  const refs: string[] = [];
  const visit = (node: Schema | undefined) => {
    if (!node) return;
    if (typeof node.$ref === 'string') refs.push(node.$ref.split('/').at(-1)!);
    for (const part of node.allOf ?? []) visit(part);
    visit(node.items);
  };
  visit(property);
  return refs;
}

/** The path with its parameters filled in, each already encoded for a URL. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {${name}} in ${path}`);
    return values[name]!;
  });
}

export const describeOperation = ({ method, path }: Pick<Operation, 'method' | 'path'>) => `${method.toUpperCase()} ${path}`;
