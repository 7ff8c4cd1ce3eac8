import { assertBoolean, assertFunction, assertNumber, describeValue } from '../../lib/policies/assertConfig';

describe('describeValue', () => {
  const circular: Record<string, unknown> = {};
  circular['self'] = circular;

  it.each([
    ['a string, quoted', 'abc', '"abc"'],
    ['a function, by kind only', () => 1, 'a function'],
    ['an object, as JSON', { a: [1, 2] }, '{"a":[1,2]}'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a number', 1.5, '1.5'],
    ['NaN', Number.NaN, 'NaN'],
    ['an object without JSON', { toJSON: () => undefined }, '[object Object]'],
    ['a circular object', circular, '[object Object]'],
    ['an object of 80 characters, whole', { k: 'y'.repeat(72) }, `{"k":"${'y'.repeat(72)}"}`],
    ['an object of 81 characters, cut at 80', { k: 'y'.repeat(73) }, `{"k":"${'y'.repeat(73)}"…`],
  ])('renders %s', (_name, value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('assertNumber', () => {
  it.each([
    ['a finite number', 5, {}],
    ['the minimum itself', 1, { min: 1 }],
    ['an integer', 3, { integer: true }],
    ['just above the bound', 0.001, { above: 0 }],
  ])('accepts %s', (_name, value, rule) => {
    expect(() => assertNumber('f', 'o', value, rule)).not.toThrow();
  });

  it.each([
    ['a numeric string', '5', {}, 'f: option o must be a finite number, got "5"'],
    ['NaN', Number.NaN, {}, 'f: option o must be a finite number, got NaN'],
    ['Infinity', Infinity, {}, 'f: option o must be a finite number, got Infinity'],
    ['-Infinity under a minimum', -Infinity, { min: 0 }, 'f: option o must be a finite number >= 0, got -Infinity'],
    ['a fraction where an integer is due', 2.5, { integer: true, min: 0 }, 'f: option o must be an integer >= 0, got 2.5'],
    ['a value below the minimum', 0, { min: 1 }, 'f: option o must be a finite number >= 1, got 0'],
    ['the exclusive bound itself', 0, { above: 0 }, 'f: option o must be a finite number > 0, got 0'],
    ['a value outside both bounds', 1, { min: 2, above: 1 }, 'f: option o must be a finite number >= 2 > 1, got 1'],
  ])('rejects %s, naming owner, option and rule', (_name, value, rule, message) => {
    expect(() => assertNumber('f', 'o', value, rule)).toThrow(new TypeError(message));
  });
});

describe('assertFunction and assertBoolean', () => {
  it('accept their kind', () => {
    expect(() => assertFunction('f', 'o', () => 0)).not.toThrow();
    expect(() => assertBoolean('f', 'o', false)).not.toThrow();
  });

  it('reject anything else, naming owner and option', () => {
    expect(() => assertFunction('f', 'cb', 'x')).toThrow(new TypeError('f: option cb must be a function, got "x"'));
    expect(() => assertBoolean('f', 'flag', 0)).toThrow(new TypeError('f: option flag must be a boolean, got 0'));
  });
});
