import { sameJson } from '../../common/plain-data.js';

/** One value that differs: absent `before` means it was added, absent `after` that it was removed. */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const keyPath = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);
const indexPath = (parent: string, index: number) => `${parent}[${index}]`;

function leaf(path: string, before: unknown, after: unknown): FieldChange {
  const change: FieldChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return change;
}

/**
 * The differences between two JSON values, down to the smallest field that differs: objects key
 * by key (in key order, so the result does not depend on how the database ordered them), arrays
 * item by item. A removed array item is named by its index before, an added or changed one by its
 * index after, so `actors[2]` reads as "the third actor" on the side where it exists.
 */
export function diffJson(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (sameJson(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffJson(before[key], after[key], keyPath(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) return diffArrays(before, after, path);
  return [leaf(path, before, after)];
}

/**
 * Items kept in place are matched first (the longest common subsequence, after trimming the
 * common ends, which is all an append or a single removal needs). Between two kept items, what
 * was removed and what was added are paired up in order and diffed field by field, so a changed
 * actor reads as the field that changed; the rest are whole items removed or added.
 */
function diffArrays(before: unknown[], after: unknown[], path: string): FieldChange[] {
  let start = 0;
  while (start < before.length && start < after.length && sameJson(before[start], after[start])) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && sameJson(before[endBefore - 1], after[endAfter - 1])) {
    endBefore--;
    endAfter--;
  }

  const changes: FieldChange[] = [];
  let removed: number[] = [];
  let added: number[] = [];
  const flush = () => {
    const paired = Math.min(removed.length, added.length);
    for (let i = 0; i < paired; i++) changes.push(...diffJson(before[removed[i]], after[added[i]], indexPath(path, added[i])));
    for (const index of removed.slice(paired)) changes.push(leaf(indexPath(path, index), before[index], undefined));
    for (const index of added.slice(paired)) changes.push(leaf(indexPath(path, index), undefined, after[index]));
    removed = [];
    added = [];
  };

  for (const step of align(before, after, start, endBefore, endAfter)) {
    if (step.kind === 'kept') flush();
    else if (step.kind === 'removed') removed.push(step.index);
    else added.push(step.index);
  }
  flush();
  return changes;
}

type Step = { kind: 'kept' } | { kind: 'removed' | 'added'; index: number };

/** An edit script of before[start..endBefore) into after[start..endAfter), by longest common subsequence. */
function align(before: unknown[], after: unknown[], start: number, endBefore: number, endAfter: number): Step[] {
  const rows = endBefore - start;
  const columns = endAfter - start;
  // common[i][j]: the longest common subsequence of the items from i and j on.
  const common = Array.from({ length: rows + 1 }, () => new Array<number>(columns + 1).fill(0));
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = columns - 1; j >= 0; j--) {
      common[i][j] = sameJson(before[start + i], after[start + j])
        ? common[i + 1][j + 1] + 1
        : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const steps: Step[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < columns) {
    if (i < rows && j < columns && sameJson(before[start + i], after[start + j])) {
      steps.push({ kind: 'kept' });
      i++;
      j++;
    } else if (j < columns && (i === rows || common[i][j + 1] >= common[i + 1][j])) {
      steps.push({ kind: 'added', index: start + j++ });
    } else {
      steps.push({ kind: 'removed', index: start + i++ });
    }
  }
  return steps;
}
