/**
 * Helpers for the plain JSON the events carry. The event store keeps data as JSON, where an
 * `undefined` key simply vanishes, so the decider leaves such keys out from the start: the event
 * it returns is then exactly the event a reader will load.
 */

/** A shallow copy without the keys whose value is undefined. A loop: bulk imports call it for every object of every row. */
export function compact<T extends object>(value: T): T {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) copy[key] = member;
  }
  return copy as T;
}

/** Structural equality of JSON values; key order and undefined keys do not matter. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  const left = compact(a as Record<string, unknown>);
  const right = compact(b as Record<string, unknown>);
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]))
  );
}
