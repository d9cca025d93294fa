import {
  ValidateBy,
  ValidateIf,
  buildMessage,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { isCalendarDate } from '../../domain/index.js';

/**
 * The few rules class-validator has no decorator for. Each reports on the property it decorates,
 * so a client reads `occurred.from` or `fatalities.low`, not a message about the whole body.
 */

export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/;
export const COUNTRY_CODE = /^[A-Z]{2}$/;
export const P_CODE = /^[A-Z]{2}[0-9]{2,}$/;

/** Lengths that hold any real title, summary or quote; the 1 MiB body limit bounds the rest. */
export const MAX = {
  title: 500,
  summary: 20_000,
  quote: 20_000,
  notes: 20_000,
  reason: 2_000,
  note: 2_000,
  name: 500,
  tag: 100,
  url: 2_048,
  languageTag: 35,
} as const;

/** Lets a field be left out, but not sent as null: null means something only where declared. */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_, value) => value !== undefined);
}

export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => isCalendarDate(value),
        defaultMessage: buildMessage((each) => `${each}$property must be a real calendar date (YYYY-MM-DD)`, options),
      },
    },
    options,
  );
}

/** An instant with its offset: '2020-08-08T12:00:00Z' or '…+03:00', seconds and their fraction optional. */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * An ISO 8601 timestamp naming one instant. Without an offset the instant would depend on the
 * server's time zone, so one is required; a '+' must reach us as %2B, since a query string reads
 * a bare '+' as a space.
 */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value) => {
          const match = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
          return match !== null && isCalendarDate(match[1]) && !Number.isNaN(Date.parse(match[0]));
        },
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be an ISO 8601 timestamp with a time zone, such as 2020-08-08T12:00:00Z or 2020-08-08T15:00:00%2B03:00`,
          options,
        ),
      },
    },
    options,
  );
}

/** Put on each of two parameters that exclude each other, so the error names both. */
export function IsNotGivenWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotGivenWith',
      constraints: [other],
      validator: {
        validate: (_: unknown, args?: ValidationArguments) =>
          (args?.object as Record<string, unknown> | undefined)?.[other] === undefined,
        defaultMessage: buildMessage((each) => `${each}$property and $constraint1 exclude each other: give one or neither`, options),
      },
    },
    options,
  );
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with one text value, or undefined when nothing is. */
function textProblem(value: unknown, maxLength: number): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.trim() === '') return 'must not be blank';
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  // PostgreSQL cannot store NUL in text or JSON, nor half of a surrogate pair in JSON; refusing
  // them here keeps a client's mistake a 400.
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (it holds half of a surrogate pair)';
  return undefined;
}

export interface TextOptions extends ValidationOptions {
  /** The message when the value is missing altogether, where "must be a string" would mislead. */
  whenMissing?: string;
}

/** Non-blank text of bounded length, reported as one message per field rather than four. */
export function IsText(maxLength: number, options: TextOptions = {}): PropertyDecorator {
  const { whenMissing, ...validationOptions } = options;
  return ValidateBy(
    {
      name: 'isText',
      constraints: [maxLength],
      validator: {
        validate: (value) => textProblem(value, maxLength) === undefined,
        defaultMessage: (args?: ValidationArguments) => {
          if (args?.value === undefined && whenMissing) return whenMissing;
          const values: unknown[] = options.each && Array.isArray(args?.value) ? args.value : [args?.value];
          const problem = values.map((value) => textProblem(value, maxLength)).find(Boolean);
          return `${options.each ? 'each value in ' : ''}${args?.property} ${problem ?? 'must be text'}`;
        },
      },
    },
    validationOptions,
  );
}

export function IsLanguageTag(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLanguageTag',
      validator: {
        validate: (value) => typeof value === 'string' && value.length <= MAX.languageTag && LANGUAGE_TAG.test(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a BCP-47 language tag such as 'ar' or 'en'`,
          options,
        ),
      },
    },
    options,
  );
}

interface FatalityCounts {
  low?: unknown;
  best?: unknown;
  high?: unknown;
}

/**
 * Put on `low`: checks the three counts together. It stays silent while any count is not an
 * integer, since that count's own validator already says so.
 */
export function IsOrderedFatalities(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOrderedFatalities',
      validator: {
        validate: (_: unknown, args?: ValidationArguments) => {
          const { low, best, high } = (args?.object ?? {}) as FatalityCounts;
          if (![low, best, high].every(Number.isInteger)) return true;
          return (low as number) <= (best as number) && (best as number) <= (high as number);
        },
        defaultMessage: () => 'low must be <= best <= high',
      },
    },
    options,
  );
}

/** Put on `to`: a range may not end before it starts. Silent until both ends are real dates. */
export function IsNotBefore(property: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotBefore',
      constraints: [property],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const start = (args?.object as Record<string, unknown> | undefined)?.[property];
          if (!isCalendarDate(value) || !isCalendarDate(start)) return true;
          return start <= value;
        },
        defaultMessage: buildMessage((each) => `${each}$property must not be before $constraint1`, options),
      },
    },
    options,
  );
}

export interface ListOptions extends ValidationOptions {
  min?: number;
  max: number;
  /** The message when the list has fewer than `min` items. */
  tooFew?: string;
}

/** An array of bounded size, with one message saying what is wrong with it. */
export function IsList({ min = 0, max, tooFew, ...options }: ListOptions): PropertyDecorator {
  const problem = (value: unknown, property: string): string | undefined => {
    if (!Array.isArray(value)) return `${property} must be a list`;
    if (value.length < min) return tooFew ?? `${property} must have at least ${min} item${min === 1 ? '' : 's'}`;
    if (value.length > max) return `${property} must have at most ${max} items`;
    return undefined;
  };
  return ValidateBy(
    {
      name: 'isList',
      constraints: [min, max],
      validator: {
        validate: (value, args) => problem(value, args?.property ?? '') === undefined,
        defaultMessage: (args?: ValidationArguments) => problem(args?.value, args?.property ?? '') ?? '',
      },
    },
    options,
  );
}

export interface NumberRangeOptions extends ValidationOptions {
  min: number;
  max: number;
  integer?: boolean;
}

/** A finite number (a whole one if asked) within bounds, with one message saying what is wrong. */
export function IsNumberIn({ min, max, integer = false, ...options }: NumberRangeOptions): PropertyDecorator {
  const kind = integer ? 'a whole number' : 'a number';
  const ok = (value: unknown) =>
    typeof value === 'number' &&
    (integer ? Number.isInteger(value) : Number.isFinite(value)) &&
    value >= min &&
    value <= max;
  return ValidateBy(
    {
      name: 'isNumberIn',
      constraints: [min, max],
      validator: {
        validate: ok,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be ${kind} from $constraint1 to $constraint2`,
          options,
        ),
      },
    },
    options,
  );
}

/** A data set's name as an external-id key: `ucdp-ged`, `acled`, `my-project.v2`. */
const EXTERNAL_ID_SYSTEM = /^[a-z0-9][a-z0-9._-]{0,49}$/;
const MAX_EXTERNAL_IDS = 20;

/** `{ "<data set>": "<its id for the incident>" }`: keys as EXTERNAL_ID_SYSTEM, values non-blank text. */
export function IsExternalIds(options?: ValidationOptions): PropertyDecorator {
  const problem = (value: unknown, property: string): string | undefined => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${property} must be an object`;
    const entries = Object.entries(value);
    if (entries.length > MAX_EXTERNAL_IDS) return `${property} must have at most ${MAX_EXTERNAL_IDS} entries`;
    for (const [system, id] of entries) {
      if (!EXTERNAL_ID_SYSTEM.test(system)) {
        return `${property} keys must name a data set in lower case (letters, digits, . _ -), such as ucdp-ged; got "${system.slice(0, 60)}"`;
      }
      const text = textProblem(id, MAX.name);
      if (text) return `${property}.${system} ${text}`;
    }
    return undefined;
  };
  return ValidateBy(
    {
      name: 'isExternalIds',
      validator: {
        validate: (value, args) => problem(value, args?.property ?? '') === undefined,
        defaultMessage: (args?: ValidationArguments) => problem(args?.value, args?.property ?? '') ?? '',
      },
    },
    options,
  );
}
