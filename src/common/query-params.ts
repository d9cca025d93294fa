import { Transform } from 'class-transformer';

/**
 * Query strings arrive as text. A number parameter is converted only when it is one non-blank
 * value, so `lat=` and `lat=1&lat=2` are refused rather than read as 0 or NaN-turned-something.
 */
export const AsNumber = () =>
  Transform(({ value }) => (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value));

/** A repeatable parameter is a string once and an array when repeated: always an array here. */
export const AsList = () => Transform(({ value }) => (value === undefined || Array.isArray(value) ? value : [value]));

/** `true` and `false` as words; anything else is left for the validator to refuse. */
export const AsBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
