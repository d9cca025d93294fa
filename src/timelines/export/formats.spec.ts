import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { csvField } from './formats.js';

const roundTrip = (fields: (string | number | null)[]) =>
  (parse(fields.map(csvField).join(',') + '\r\n', { relax_quotes: false }) as string[][])[0];

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    ['دير الزور', 'دير الزور'],
    ['نورث برس، "الخبر"', '"نورث برس، ""الخبر"""'],
    ['', ''],
  ])('writes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('writes null as an empty field and numbers as they are, a negative one too', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(34.43221)).toBe('34.43221');
    expect(csvField(-71.5)).toBe('-71.5');
    expect(csvField(0)).toBe('0');
  });

  it('keeps text a spreadsheet would run as a formula from being run', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+963 11 000')).toBe("'+963 11 000");
    expect(csvField('-5 killed')).toBe("'-5 killed");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('=HYPERLINK("x", "y")')).toBe('"\'=HYPERLINK(""x"", ""y"")"');
    expect(csvField('a=b')).toBe('a=b');
  });

  it('reads back as written through a CSV parser, whatever the text', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r', 'د', 'ز', '،', ';', "'") });
    fc.assert(
      fc.property(fc.array(text.filter((value) => !/^[=+\-@\t\r]/.test(value)), { minLength: 2, maxLength: 5 }), (fields) => {
        expect(roundTrip(fields)).toEqual(fields);
      }),
    );
  });
});
