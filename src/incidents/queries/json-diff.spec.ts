import { describe, expect, it } from '@jest/globals';
import { diffJson } from './json-diff.js';

describe('diffJson', () => {
  it('finds nothing between equal values, whatever their key order', () => {
    expect(diffJson({ a: 1, b: { c: [1, { d: 2 }] } }, { b: { c: [1, { d: 2 }] }, a: 1 })).toEqual([]);
  });

  it('names the innermost field that changed, in key order', () => {
    const before = { title: { text: 'old', language: 'ar' }, fatalities: { low: 2, best: 2, high: 2 } };
    const after = { title: { text: 'new', language: 'ar' }, fatalities: { low: 2, best: 3, high: 4 } };
    expect(diffJson(before, after)).toEqual([
      { path: 'fatalities.best', before: 2, after: 3 },
      { path: 'fatalities.high', before: 2, after: 4 },
      { path: 'title.text', before: 'old', after: 'new' },
    ]);
  });

  it('leaves out the side a field is absent from', () => {
    expect(diffJson({ summary: { text: 's' } }, { notes: 'n' })).toEqual([
      { path: 'notes', after: 'n' },
      { path: 'summary', before: { text: 's' } },
    ]);
  });

  it('treats a field set to undefined as absent', () => {
    expect(diffJson({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
  });

  it('names an appended item by its new index', () => {
    expect(diffJson({ actors: [{ name: 'a' }, { name: 'b' }] }, { actors: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] })).toEqual([
      { path: 'actors[2]', after: { name: 'c' } },
    ]);
  });

  it('names a removed item by its old index, and does not report the items that moved up', () => {
    expect(diffJson([{ name: 'a' }, { name: 'b' }, { name: 'c' }], [{ name: 'a' }, { name: 'c' }])).toEqual([
      { path: '[1]', before: { name: 'b' } },
    ]);
  });

  it('diffs an item changed in place field by field', () => {
    const before = { actors: [{ name: 'a', role: 'victim' }, { name: 'b', role: 'victim' }] };
    const after = { actors: [{ name: 'a', role: 'victim' }, { name: 'b', role: 'victim', actorId: 'x', resolution: { status: 'identified' } }] };
    expect(diffJson(before, after)).toEqual([
      { path: 'actors[1].actorId', after: 'x' },
      { path: 'actors[1].resolution', after: { status: 'identified' } },
    ]);
  });

  it('pairs replacements between kept items and reports the rest whole', () => {
    expect(diffJson(['k', 'x', 'm', 'y'], ['k', 'X', 'Z', 'm', 'y', 'w'])).toEqual([
      { path: '[1]', before: 'x', after: 'X' },
      { path: '[2]', after: 'Z' },
      { path: '[5]', after: 'w' },
    ]);
  });

  it('reports a value whose kind changed as a whole', () => {
    expect(diffJson({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: 'a', before: [1], after: { 0: 1 } }]);
    expect(diffJson({ a: null }, { a: 0 })).toEqual([{ path: 'a', before: null, after: 0 }]);
  });
});
