import type * as t from 'io-ts';
import { MAX_LINE, preview, reportErrors, truncate, truncateMiddle } from '../../lib/protocol/boundedReport';

describe('preview', () => {
  const throwing = {
    get boom(): never {
      throw new Error('read');
    },
  };

  it.each<[string, unknown, string]>([
    ['a bigint', 12n, '12n'],
    ['a boolean', false, 'false'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a number', -1.5, '-1.5'],
    ['NaN', Number.NaN, 'NaN'],
    ['a nested array and object', [1, { a: [true] }], '[1,{"a":[true]}]'],
    ['an object of several keys', { a: 1, b: 'x', c: null }, '{"a":1,"b":"x","c":null}'],
    ['own keys only, never inherited ones', Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 }), '{"own":2}'],
    ['containers below three levels, elided', [[[[1]]], { a: { b: { c: 1 } } }], '[[[[…]]],{"a":{"b":{…}}}]'],
    ['a symbol, without its description', Symbol('secret'), 'Symbol()'],
    ['a function, by kind', () => 1, '<function>'],
    ['an infinite number', Number.POSITIVE_INFINITY, 'Infinity'],
    ['a value that throws when read, as far as it was printed', throwing, '{"boom":<unprintable>'],
    ['a key of 30 characters, whole', { ['k'.repeat(30)]: 1 }, `{"${'k'.repeat(30)}":1}`],
  ])('renders %s', (_name, value, text) => {
    expect(preview(value, 40)).toBe(text);
  });

  it('cuts a key longer than the limit, with the ellipsis', () => {
    expect(preview({ ['k'.repeat(30)]: 1 }, 20)).toBe(`{"${'k'.repeat(17)}…`);
  });
});

describe('reportErrors', () => {
  it('reports an error it cannot print as an unprintable line, and goes on', () => {
    const unprintable = {
      get context(): never {
        throw new Error('no context');
      },
      value: 1,
    } as unknown as t.ValidationError;
    const printable = { value: 2, context: [{ key: '', type: { name: 'N' }, actual: 2 }] } as unknown as t.ValidationError;
    expect(reportErrors([unprintable, printable])).toEqual(['Invalid value (unprintable)', 'Invalid value 2 supplied to : N']);
  });

  it('keeps every line within MAX_LINE', () => {
    const long = { value: 'v', context: [{ key: 'k'.repeat(2000), type: { name: 'T' }, actual: 'v' }] } as unknown as t.ValidationError;
    const [line] = reportErrors([long]);
    expect(line?.length).toBe(MAX_LINE);
  });
});

describe('truncate and truncateMiddle', () => {
  it.each<[string, string, number, string]>([
    ['truncate keeps a text of exactly max characters', 'abcde', 5, 'abcde'],
    ['truncate cuts one character more, ending with the ellipsis', 'abcdef', 5, 'abcd…'],
  ])('%s', (_name, text, max, out) => {
    expect(truncate(text, max)).toBe(out);
  });

  it.each<[string, string, number, string]>([
    ['keeps a text of exactly max characters', 'abcde', 5, 'abcde'],
    ['keeps a third of the room for the head, the rest for the end (max 5)', 'abcdefghij', 5, 'a…hij'],
    ['keeps a third of the room for the head, the rest for the end (max 7)', 'abcdefghij', 7, 'ab…ghij'],
  ])('truncateMiddle %s', (_name, text, max, out) => {
    expect(truncateMiddle(text, max)).toBe(out);
    expect(truncateMiddle(text, max).length).toBeLessThanOrEqual(max);
  });
});

describe('reportErrors: its bounds', () => {
  const errorOf = (message: string) => ({ value: 1, context: [], message }) as unknown as t.ValidationError;
  const errors = (n: number, length: number) => Array.from({ length: n }, (_, i) => errorOf(String(i % 10).repeat(length)));

  it.each<[string, t.Errors, string[]]>([
    ['eight lines, then the count of the rest', errors(10, 1), [...'01234567'.split(''), '… and 2 more errors']],
    ['one more error, in the singular', errors(9, 1), [...'01234567'.split(''), '… and 1 more error']],
    ['the last error when it fits (no count follows it)', errors(3, 340), ['0'.repeat(340), '1'.repeat(340), '2'.repeat(340)]],
    ['room kept for the count while more errors follow', errors(4, 340), ['0'.repeat(340), '1'.repeat(340), '… and 2 more errors']],
    ['the newline before a line counted (a last line one character too long)', [...errors(2, 340), errorOf('2'.repeat(343))], ['0'.repeat(340), '1'.repeat(340), '… and 1 more error']],
    ['the newline before a line counted (a last line that just fits)', [...errors(2, 340), errorOf('2'.repeat(342))], ['0'.repeat(340), '1'.repeat(340), '2'.repeat(342)]],
    ['every newline but the first counted (a fourth line one character too long)', [...errors(3, 300), errorOf('3'.repeat(122))], ['0'.repeat(300), '1'.repeat(300), '2'.repeat(300), '… and 1 more error']],
    ['every newline but the first counted (a fourth line that just fits)', [...errors(3, 300), errorOf('3'.repeat(121))], ['0'.repeat(300), '1'.repeat(300), '2'.repeat(300), '3'.repeat(121)]],
  ])('%s', (_name, input, lines) => {
    const report = reportErrors(input);
    expect(report).toEqual(lines);
    expect(report.join('\n').length).toBeLessThanOrEqual(1024);
  });
});
