import { ValidationPipe, type ArgumentMetadata, type ValidationError, type ValidationPipeOptions } from '@nestjs/common';
import { plainToInstance, TransformationType, type ClassConstructor } from 'class-transformer';
// @ts-expect-error class-transformer declares this module only under types/, not beside the CommonJS build it loads.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage.js';
import { getMetadataStorage, validateSync, ValidationTypes, type ValidationArguments } from 'class-validator';
import { bodyShapeProblems } from '../../../common/http/request-bodies.js';
import { RequestValidationError, type FieldError } from '../../../common/problem.js';
import { RecordIncidentDto } from './record-incident.dto.js';

/**
 * Judging a body as POST /incidents does, fast enough for a bulk import.
 *
 * class-transformer and class-validator spend ~200 µs a body building instances, looking metadata
 * up and making error objects. Here the same metadata is read once and compiled, one function per
 * DTO class, into code that calls the decorators' own validate functions on the parsed body and
 * says yes only where the API would. Every other body goes through the API's own pipeline, so
 * verdicts and messages are the API's.
 */

export type BodyCheck<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The global ValidationPipe's options: app.ts installs the pipe with these, and the fast path mirrors them. */
export const API_VALIDATION_PIPE_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  exceptionFactory: RequestValidationError.fromValidationErrors,
};

/**
 * The API's global pipe: ValidationPipe with API_VALIDATION_PIPE_OPTIONS, and the fast path for
 * the body of POST /incidents, the busiest write, where validating took a sixth of the service's
 * work. A body the compiled rules accept is passed on as it is (toRecordIncident reads it as the
 * import does); every other body goes through the pipeline, so refusals are the API's own.
 */
export class ApiValidationPipe extends ValidationPipe {
  private readonly accepts = new Map<Function, (body: unknown) => boolean>([[RecordIncidentDto, acceptorFor(RecordIncidentDto)]]);

  constructor() {
    super(API_VALIDATION_PIPE_OPTIONS);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const fast = metadata.type === 'body' && metadata.metatype ? this.accepts.get(metadata.metatype) : undefined;
    return fast?.(value) ? value : super.transform(value, metadata);
  }
}

export function recordIncidentValidator(): (body: unknown) => BodyCheck<RecordIncidentDto> {
  return bodyValidator(RecordIncidentDto);
}

/**
 * On the fast path `value` is the body itself: a plain object holding exactly the fields the DTO
 * would. Otherwise it is the DTO the API would build.
 */
export function bodyValidator<T extends object>(dto: ClassConstructor<T>): (body: unknown) => BodyCheck<T> {
  const accepts = acceptorFor(dto);
  const pipe = new SyncValidationPipe(API_VALIDATION_PIPE_OPTIONS);
  return (body) => {
    if (accepts(body)) return { ok: true, value: body as T };
    // What the API refuses before its pipe sees the body (src/common/http/request-bodies.ts).
    const shape = bodyShapeProblems(body);
    return shape.length > 0 ? { ok: false, errors: shape } : pipe.check(body, dto);
  };
}

/**
 * The fast half alone: true only for a body the API accepts and would copy field for field into
 * its DTO. False means "ask the API", not "invalid". Throws, rather than guess, for a DTO using a
 * feature it does not mirror.
 */
export function acceptorFor(dto: Function): (body: unknown) => boolean {
  const { whitelist, forbidNonWhitelisted, forbidUnknownValues, transformOptions, ...rest } = API_VALIDATION_PIPE_OPTIONS;
  const skips = rest.skipMissingProperties || rest.skipNullProperties || rest.skipUndefinedProperties;
  if (!whitelist || !forbidNonWhitelisted || forbidUnknownValues === false || transformOptions || skips) {
    throw new Error('fast-validation mirrors only whitelist, forbidNonWhitelisted, forbidUnknownValues and no transformOptions');
  }
  const compiled = compile(dto, new Map());
  return (body) => compiled.accepts(body);
}

interface Compiled {
  accepts: (value: unknown) => boolean;
}

const validation = getMetadataStorage();
const transformation = defaultMetadataStorage as TransformerStorage;
const { always = false, strictGroups = false, groups } = API_VALIDATION_PIPE_OPTIONS;
type Metadata = ReturnType<typeof validation.getTargetValidationMetadatas>[number];

/** Kinds of value class-transformer converts, or copies by rules of their own, rather than building a DTO. */
const NOT_DTOS: Function[] = [String, Number, Boolean, Date, Buffer, Map, Set, Array, Object, Promise];

function unsupported(target: Function, property: string, why: string): Error {
  return new Error(`fast-validation cannot mirror ${target.name}.${property}: ${why}`);
}

/**
 * One generated function per class: each call site in it sees one rule and one shape of object,
 * which V8 optimises; one shared closure walking the rules was 1.6 times slower.
 */
function compile(target: Function, built: Map<Function, Compiled>): Compiled {
  const known = built.get(target);
  if (known) return known;
  const compiled: Compiled = { accepts: () => false };
  built.set(target, compiled); // before the properties, for a DTO nested in itself

  const metadatas = validation.getTargetValidationMetadatas(target, '', always, strictGroups, groups);
  // forbidUnknownValues: an object of a class without rules is refused.
  if (metadatas.length === 0) return compiled;
  const grouped = validation.groupByPropertyName(metadatas);
  const names = Object.keys(grouped);
  guardTransformation(target, names, grouped);

  const scope: unknown[] = [];
  const ref = (value: unknown) => `s[${scope.push(value) - 1}]`;
  const source = `'use strict';
    return function accepts(o) {
      if (typeof o !== 'object' || o === null || getPrototypeOf(o) !== ObjectPrototype) return false;
      let given = 0, read = 0, v;
      for (const key in o) {
        switch (key) { ${names.map((name) => `case ${JSON.stringify(name)}:`).join(' ')} break; default: return false; }
        if (o[key] !== undefined) given++;
      }
      ${names.map((name) => propertyCode(target, name, grouped[name], ref, built)).join('\n')}
      // A value read but not enumerated (inherited, not enumerable) is one class-transformer would not copy.
      return given === read;
    };`;
  compiled.accepts = new Function('s', 'getPrototypeOf', 'ObjectPrototype', 'ArrayPrototype', 'isTrue', 'isCopiedAsIs', source)(
    scope,
    Object.getPrototypeOf,
    Object.prototype,
    Array.prototype,
    isTrue,
    isCopiedAsIs,
  );
  return compiled;
}

/** As ValidationExecutor.performValidations, for one property whose value is `v` in object `o`. */
function propertyCode(
  target: Function,
  name: string,
  metadatas: Metadata[],
  ref: (value: unknown) => string,
  built: Map<Function, Compiled>,
): string {
  const conditions: string[] = [];
  const rules: string[] = [];
  let nested = false;
  for (const metadata of metadatas) {
    switch (metadata.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        conditions.push(`${ref(metadata.constraints[0])}(o, v)`);
        break;
      case ValidationTypes.CUSTOM_VALIDATION:
      case ValidationTypes.IS_DEFINED:
        for (const constraint of validation.getTargetValidatorConstraints(metadata.constraintCls)) {
          // The API awaits async rules; the synchronous pipeline below would skip them. (A rule that
          // returns a promise without saying it is async is skipped by class-validator's own validateSync.)
          if (constraint.async) throw unsupported(target, name, 'an async validator');
          const instance = ref(constraint.instance);
          // One arguments object per rule, refilled before each call: nothing keeps it.
          const args = ref({ targetName: target.name, property: metadata.propertyName, constraints: metadata.constraints });
          const call = (value: string) => `!isTrue(${instance}.validate(${value}, ${args}))`;
          const check = metadata.each
            ? `if (Array.isArray(v)) { for (let i = 0; i < v.length; i++) if (${call('v[i]')}) return false; }
               else if (v instanceof Set || v instanceof Map || ${call('v')}) return false;`
            : `if (${call('v')}) return false;`;
          const body = `${args}.object = o; ${args}.value = v; ${check}`;
          rules.push(metadata.validateIf ? `if (${ref(metadata.validateIf)}(o, v)) { ${body} }` : body);
        }
        break;
      case ValidationTypes.NESTED_VALIDATION:
        nested = true;
        break;
      case ValidationTypes.WHITELIST:
        break;
      default:
        throw unsupported(target, name, `a ${metadata.type} rule`);
    }
  }
  const shape = nested ? nestedCode(target, name, ref, built) : 'if (!isCopiedAsIs(v, 0)) return false;';
  const validated = `${rules.join('\n')}\n${shape}`;
  return `v = o[${JSON.stringify(name)}]; if (v !== undefined) read++;
    ${conditions.length > 0 ? `if (${conditions.join(' && ')}) { ${validated} } else if (!isCopiedAsIs(v, 0)) return false;` : validated}`;
}

/** As class-validator validates a nested value: an object as its @Type class, a list item by item. */
function nestedCode(target: Function, name: string, ref: (value: unknown) => string, built: Map<Function, Compiled>): string {
  const type = transformation.findTypeMetadata(target, name);
  // Without @Type the value stays a plain Object, which forbidUnknownValues refuses; an empty list passes.
  if (!type) return 'if (v !== undefined && !(Array.isArray(v) && v.length === 0 && getPrototypeOf(v) === ArrayPrototype)) return false;';
  if (type.options?.discriminator) throw unsupported(target, name, 'a @Type discriminator');
  const arrayType = type.reflectedType as (new () => unknown) | undefined;
  if (arrayType === Map || arrayType === Set || (arrayType && arrayType !== Array && 'push' in (new arrayType() as object))) {
    throw unsupported(target, name, `a list becomes a ${arrayType.name}`);
  }
  const dto = type.typeFunction ? type.typeFunction() : type.reflectedType;
  if (typeof dto !== 'function' || NOT_DTOS.includes(dto)) throw unsupported(target, name, '@Type names no DTO');
  const item = ref(compile(dto, built));
  return `if (v !== undefined) {
      if (Array.isArray(v)) {
        if (getPrototypeOf(v) !== ArrayPrototype) return false;
        for (let i = 0; i < v.length; i++) if (!${item}.accepts(v[i])) return false;
      } else if (!${item}.accepts(v)) return false;
    }`;
}

/** Refuses DTOs on which plainToInstance would do more than copy the body's fields into instances. */
function guardTransformation(target: Function, names: string[], grouped: Record<string, Metadata[]>): void {
  if (
    transformation.getStrategy(target) !== 'none' ||
    transformation.getExposedMetadatas(target).length > 0 ||
    transformation.getExcludedMetadatas(target).length > 0
  ) {
    throw unsupported(target, '*', '@Expose or @Exclude rename or drop fields');
  }
  const blank = new (target as new () => Record<string, unknown>)();
  for (const name of names) {
    // class-transformer skips the names the prototype answers; Nest strips __proto__, constructor and prototype.
    if (name in target.prototype || name === 'prototype') throw unsupported(target, name, 'the name is not copied');
    if (blank[name] !== undefined) throw unsupported(target, name, 'an initialiser gives it a value when the body has none');
    if (transformation.findTransformMetadatas(target, name, TransformationType.PLAIN_TO_CLASS).length > 0) {
      throw unsupported(target, name, '@Transform changes the value');
    }
    const nested = grouped[name].some((metadata) => metadata.type === ValidationTypes.NESTED_VALIDATION);
    if (!nested && transformation.findTypeMetadata(target, name)) {
      throw unsupported(target, name, '@Type without @ValidateNested converts the value');
    }
  }
}

/** class-validator reads a verdict by its truthiness, and would await a promise, which this cannot. */
function isTrue(verdict: unknown): boolean {
  return !!verdict && !(typeof verdict === 'object' && typeof (verdict as { then?: unknown }).then === 'function');
}

/**
 * A value that Nest's key stripping and class-transformer leave as it is: JSON data without
 * holes in lists and without keys such as __proto__, constructor, prototype or toString.
 */
function isCopiedAsIs(value: unknown, depth: number): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (depth > 32) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      if (value[i] === undefined || !isCopiedAsIs(value[i], depth + 1)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (key in Object.prototype || key === 'prototype' || !isCopiedAsIs(object[key], depth + 1)) return false;
  }
  return true;
}

/**
 * ValidationPipe.transform for an @Body() of the DTO, step for step, but synchronous: no rule is
 * async (acceptorFor refuses those), so validateSync finds what validate would. The one step it
 * cannot take as the pipe does is the check for Buffers and typed arrays (class-validator is
 * loaded asynchronously there), which no JSON body holds.
 */
class SyncValidationPipe extends ValidationPipe {
  check<T extends object>(value: unknown, metatype: ClassConstructor<T>): BodyCheck<T> {
    value = this.toEmptyIfNil(value, metatype);
    this.closeArrayGaps(value);
    const isStandIn = this.isPrimitive(value) || this.isBinary(value);
    this.stripProtoKeys(value);
    let entity = plainToInstance(metatype, value, this.transformOptions) as any;
    const transformed = entity;
    const isCtorNotEqual = entity.constructor !== metatype;
    if (isCtorNotEqual && !isStandIn) entity.constructor = metatype;
    else if (isCtorNotEqual) entity = { constructor: metatype };

    const binaryErrors = this.findNestedBinaryValues(entity);
    if (binaryErrors.length > 0) return this.refusal(binaryErrors);
    const errors = validateSync(entity, {
      ...this.validatorOptions,
      validationError: { target: false, ...this.validatorOptions.validationError },
    });
    if (isCtorNotEqual && !isStandIn) delete entity.constructor;
    if (errors.length > 0) return this.refusal(errors);
    if (isCtorNotEqual && (isStandIn || Array.isArray(value)) && this.hasRules(metatype)) {
      return this.refusal([{ property: 'body', constraints: { isObject: 'Validation failed (object is expected)' }, children: [] }]);
    }
    return { ok: true, value: isStandIn ? transformed : entity };
  }

  private refusal(errors: ValidationError[]): { ok: false; errors: FieldError[] } {
    const error: unknown = this.exceptionFactory(errors);
    if (!(error instanceof RequestValidationError)) throw error;
    return { ok: false, errors: error.problem.errors ?? [] };
  }

  /** hasValidationRules, synchronously. */
  private hasRules(metatype: Function): boolean {
    const errors = validateSync({ constructor: metatype }, { ...this.validatorOptions, forbidUnknownValues: true });
    return !errors.some((error) => error.constraints?.unknownValue);
  }
}
