/**
 * The decoder is the edge the gateway (or whoever sits in the middle) writes
 * to: whatever arrives, `decodeFrame` returns a value, never throws (not even a
 * RangeError from recursion), never pollutes a prototype, and keeps the text of
 * its failures short enough for a log line.
 */
import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { DEFAULT_MAX_DEPTH, decodeFrame, decodeFrameValue } from '../../lib/protocol/decode';
import { DecodeFailure, describeDecodeFailure, invalidFrame, scrubDecodeFailure, unknownFrameType } from '../../lib/protocol/decodeFailure';
import { ServerFrame } from '../../lib/protocol/frames';

/** What "bounded" means: the failure's text (one-line description, report lines) stays under 1 KiB. */
const MAX_TEXT = 1024;

const textsOf = (f: DecodeFailure): string[] => {
  const texts = [describeDecodeFailure(f), describeDecodeFailure(scrubDecodeFailure(f, (s) => s))];
  if ('report' in f) texts.push(f.report.join('\n'));
  if (f._tag === 'InvalidJson') texts.push(f.excerpt, f.message);
  return texts;
};

function expectBounded(f: DecodeFailure): void {
  for (const text of textsOf(f)) expect(text.length).toBeLessThanOrEqual(MAX_TEXT);
}

/** Decodes, with and without payload validation, and returns the failure (it must be one). */
function failureOf(raw: string): DecodeFailure {
  let tag: string | undefined;
  for (const validatePayloads of [false, true]) {
    const r = decodeFrame(raw, { validatePayloads });
    if (E.isRight(r)) throw new Error(`decoded as ${r.right.type}`);
    expectBounded(r.left);
    tag ??= r.left._tag;
    expect(r.left._tag).toBe(tag);
  }
  const r = decodeFrame(raw);
  return (r as E.Left<DecodeFailure>).left;
}

const deepObject = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
const deepArray = (depth: number, leaf = '') => '['.repeat(depth) + leaf + ']'.repeat(depth);
const message = (fields: string) => `{"type":"message","topic":"channel.tips","room":"r",${fields}}`;

/** Object.prototype and Array.prototype have no keys a frame could have added. */
function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  for (const key of ['type', 'topic', 'data', 'room', 'nonce', 'polluted', 'client_id']) {
    expect(probe[key]).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>)[key]).toBeUndefined();
  }
  expect(Object.keys(Object.prototype)).toEqual([]);
}

describe('decodeFrame on hostile frames', () => {
  describe('deep nesting', () => {
    it.each([
      ['a 5 000-deep object in data', message(`"data":${deepObject(5000)}`)],
      ['a 5 000-deep array in data', message(`"data":${deepArray(5000)}`)],
      ['a 5 000-deep array inside an object data', message(`"data":{"donation":${deepArray(5000)}}`)],
      ['a 5 000-deep array as room', `{"type":"message","topic":"channel.tips","room":${deepArray(5000)},"data":{}}`],
      ['a 5 000-deep array as topic', `{"type":"message","topic":${deepArray(5000)},"data":{}}`],
      ['a 5 000-deep array as id', message(`"id":${deepArray(5000)},"data":{}`)],
      ['a 5 000-deep array as type', `{"type":${deepArray(5000)},"data":{}}`],
      ['a 5 000-deep object in an unknown field', message(`"extra":${deepObject(5000)},"data":{}`)],
      ['a 5 000-deep array as a response nonce', `{"type":"response","nonce":${deepArray(5000)}}`],
      ['a 5 000-deep object as a response data', `{"type":"response","nonce":"n","data":${deepObject(5000)}}`],
      ['a 5 000-deep array as a welcome data', `{"type":"welcome","data":${deepArray(5000)}}`],
      ['a 5 000-deep array as a welcome client_id', `{"type":"welcome","data":{"client_id":${deepArray(5000)}}}`],
      ['a 5 000-deep array as a reconnect token', `{"type":"reconnect","data":{"reconnect_token":${deepArray(5000)}}}`],
      ['a 5 000-deep array as the whole frame', deepArray(5000)],
      ['a 5 000-deep object as the whole frame', deepObject(5000)],
      ['a 100 000-deep array in data', message(`"data":${deepArray(100_000)}`)],
      ['a legacy frame (no type) with a deep data', `{"topic":"channel.tips","data":${deepArray(5000)}}`],
      ['an upper-case type with a deep data', `{"type":"MESSAGE","topic":"channel.tips","data":${deepObject(5000)}}`],
    ])('returns a bounded failure for %s', (_what, raw) => {
      expect(failureOf(raw)._tag).toBe('FrameTooDeep');
    });

    it('reports the limit it applied', () => {
      expect(decodeFrame(message(`"data":${deepArray(5000)}`))).toEqual(E.left({ _tag: 'FrameTooDeep', limit: DEFAULT_MAX_DEPTH }));
      expect(describeDecodeFailure(failureOf(message(`"data":${deepArray(5000)}`)))).toMatch(/nested deeper than 64/);
    });

    it('accepts a frame exactly as deep as the limit and refuses one level more', () => {
      // the frame is level 1, `data` level 2: 62 more levels inside data make 64
      const atLimit = message(`"data":{"x":${deepArray(62)}}`);
      expect(DEFAULT_MAX_DEPTH).toBe(64);
      expect(E.isRight(decodeFrame(atLimit))).toBe(true);
      expect(decodeFrame(message(`"data":{"x":${deepArray(63)}}`))).toEqual(E.left({ _tag: 'FrameTooDeep', limit: 64 }));
    });

    it('takes maxDepth from the config', () => {
      const frame = message(`"data":{"x":{"y":1}}`);
      expect(E.isRight(decodeFrame(frame, { maxDepth: 3 }))).toBe(true);
      expect(decodeFrame(frame, { maxDepth: 2 })).toEqual(E.left({ _tag: 'FrameTooDeep', limit: 2 }));
    });

    it('checks the depth of a value handed to decodeFrameValue, cycles included', () => {
      let deep: unknown = 1;
      for (let i = 0; i < 100_000; i++) deep = [deep];
      expect(decodeFrameValue({ type: 'message', topic: 't', data: { deep } })).toEqual(E.left({ _tag: 'FrameTooDeep', limit: 64 }));
      const cyclic: Record<string, unknown> = { type: 'message', topic: 't' };
      cyclic['data'] = cyclic;
      expect(decodeFrameValue(cyclic)).toEqual(E.left({ _tag: 'FrameTooDeep', limit: 64 }));
    });
  });

  describe('wide values', () => {
    const wide = (n: number, item: string) => `[${new Array<string>(n).fill(item).join(',')}]`;

    it.each([
      ['a 100 000-element array as topic', `{"type":"message","topic":${wide(100_000, '"x"')},"data":{}}`, 'InvalidFrame'],
      ['a 100 000-element array as room', `{"type":"message","topic":"t","room":${wide(100_000, '{}')},"data":{}}`, 'InvalidFrame'],
      ['a 100 000-element array as nonce', `{"type":"response","nonce":${wide(100_000, '1')}}`, 'InvalidFrame'],
      ['a 100 000-element array as client_id', `{"type":"welcome","data":{"client_id":${wide(100_000, '[1]')}}}`, 'InvalidFrame'],
      ['a 100 000-element array as type', `{"type":${wide(100_000, '"message"')}}`, 'UnknownFrameType'],
      ['a 100 000-element array as data', `{"type":"message","topic":"t","data":${wide(100_000, '"x"')}}`, 'InvalidFrame'],
    ])('returns a bounded failure for %s', (_what, raw, tag) => {
      expect(failureOf(raw)._tag).toBe(tag);
    });

    it('bounds the report of a payload with many mismatches', () => {
      const items = new Array(15_000).fill('{"amount":"not a number"}').join(',');
      const r = decodeFrame(message(`"data":{"donation":{"amount":"x","currency":[${items}]},"extra":[${items}]}`), { validatePayloads: true });
      if (E.isRight(r)) throw new Error('expected a failure');
      expect(r.left._tag).toBe('PayloadMismatch');
      expectBounded(r.left);
    });
  });

  describe('huge strings', () => {
    const huge = 'x'.repeat(1_000_000);

    it.each([
      ['as type', `{"type":"${huge}"}`, 'UnknownFrameType'],
      ['as a welcome data', `{"type":"welcome","data":"${huge}"}`, 'InvalidFrame'],
      ['as a response data of the wrong kind', `{"type":"response","nonce":"n","data":{"message":{"text":"${huge}"}}}`, 'InvalidFrame'],
      ['as a key', `{"type":"welcome","data":{"${huge}":1}}`, 'InvalidFrame'],
      ['in text that is not JSON', `{"type":"welcome","data":"${huge}`, 'InvalidJson'],
    ])('returns a bounded failure with a 1 MB string %s', (_what, raw, tag) => {
      expect(failureOf(raw)._tag).toBe(tag);
    });

    it('truncates values in the report and says so', () => {
      const f = failureOf(`{"type":"welcome","data":{"client_id":["${huge}"]}}`);
      if (f._tag !== 'InvalidFrame') throw new Error(f._tag);
      expect(f.report.join('\n')).toMatch(/client_id/);
      expect(f.report.join('\n')).toContain('…');
    });
  });

  describe('__proto__, constructor and prototype keys', () => {
    afterEach(expectNoPollution);

    it('does not read a type from a __proto__ key', () => {
      expect(failureOf('{"__proto__":{"type":"welcome"}}')._tag).toBe('UnknownFrameType');
      expect(failureOf('{"__proto__":{"type":"welcome","data":{"client_id":"c"}}}')._tag).toBe('UnknownFrameType');
      expect(failureOf('{"type":"welcome","__proto__":{"data":{"client_id":"c"}}}')._tag).toBe('InvalidFrame');
      expect(failureOf('{"type":"message","__proto__":{"topic":"t","data":{}}}')._tag).toBe('InvalidFrame');
      expect(failureOf('{"topic":"t","__proto__":{"data":{}}}')._tag).toBe('UnknownFrameType');
    });

    it.each([
      ['in the envelope', '{"type":"message","topic":"t","data":{},"__proto__":{"polluted":1,"room":5}}'],
      ['in data', '{"type":"message","topic":"t","data":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}'],
      ['in an upper-case frame (copied)', '{"type":"MESSAGE","topic":"t","data":{},"__proto__":{"polluted":1,"room":5}}'],
      ['in a legacy frame (copied)', '{"topic":"t","data":{},"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'],
      ['in a response', '{"type":"RESPONSE","nonce":"n","__proto__":{"nonce":5,"polluted":1},"prototype":{"polluted":1}}'],
      ['in a welcome', '{"type":"welcome","data":{"client_id":"c","__proto__":{"polluted":1}},"constructor":{"polluted":1}}'],
    ])('keeps such keys as plain data %s', (_what, raw) => {
      for (const validatePayloads of [false, true]) {
        const r = decodeFrame(raw, { validatePayloads });
        if (E.isLeft(r)) throw new Error(describeDecodeFailure(r.left));
        const frame = r.right as unknown as Record<string, unknown>;
        expect(Object.getPrototypeOf(frame)).toBe(Object.prototype);
        expect(frame['polluted']).toBeUndefined();
        expect(ServerFrame.is(frame)).toBe(true);
        if (frame['type'] === 'message') {
          expect(frame['room']).toBeUndefined();
          expect(Object.getPrototypeOf(frame['data'])).toBe(Object.prototype);
        }
      }
    });
  });

  describe('never throws, whatever the value', () => {
    it('when reading the value throws', () => {
      const hostile = {
        get type(): string {
          throw new RangeError('Maximum call stack size exceeded');
        },
      };
      const r = decodeFrameValue(hostile);
      expect(E.isLeft(r)).toBe(true);
      if (E.isLeft(r)) expectBounded(r.left);
    });

    it('when a failure is built by hand from a deep or wide value', () => {
      let deep: unknown = 'leaf';
      for (let i = 0; i < 100_000; i++) deep = { a: deep };
      const wide = new Array(100_000).fill('wide');
      expectBounded(unknownFrameType(deep, deep));
      expectBounded(unknownFrameType(wide, 'x'.repeat(1_000_000)));
      expectBounded(invalidFrame(deep, [{ value: deep, context: [{ key: '', type: ServerFrame, actual: deep }] }]));
      expectBounded(invalidFrame(wide, new Array(10_000).fill({ value: wide, context: [{ key: 'x'.repeat(100_000), type: ServerFrame, actual: wide }] })));
    });
  });
});

describe('decodeFrame, property: hostile frames never throw and fail with bounded text', () => {
  const depth = fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 10_000 }));
  const deep: fc.Arbitrary<string> = fc
    .tuple(depth, fc.constantFrom('object', 'array', 'mixed'), fc.constantFrom('1', '"s"', 'null', '{}', '[]', '{"type":"welcome"}'))
    .map(([n, kind, leaf]) => {
      if (kind === 'object') return deepObject(n, leaf);
      if (kind === 'array') return deepArray(n, leaf);
      const open = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? '[' : '{"k":'));
      return open.join('') + leaf + open.reverse().map((o) => (o === '[' ? ']' : '}')).join('');
    });
  const wide = fc
    .tuple(fc.constantFrom(10, 1000, 100_000), fc.constantFrom('"x"', '1', '{}', '[]', 'null'))
    .map(([n, item]) => `[${new Array<string>(n).fill(item).join(',')}]`);
  const hugeString = fc.constantFrom(1000, 100_000, 1_000_000 - 200).map((n) => JSON.stringify('x'.repeat(n)));
  const protoKeys = fc
    .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom('{"type":"welcome"}', '{"polluted":1}', '{"prototype":{"polluted":1}}', '"x"', '5'))
    .map(([key, value]) => `{"${key}":${value}}`);
  const plain = fc.oneof(fc.json({ maxDepth: 3 }), fc.constantFrom('"channel.tips"', '"r"', '"n"', '{}', '{"client_id":"c"}', '{"reconnect_token":"t"}'));
  const hostile = fc.oneof({ weight: 2, arbitrary: deep }, wide, hugeString, protoKeys, plain);

  const types = fc.constantFrom('"welcome"', '"response"', '"message"', '"reconnect"', '"MESSAGE"', '"surprise"');
  const fields = fc.constantFrom('type', 'topic', 'room', 'data', 'nonce', 'error', 'id', 'ts', '__proto__', 'constructor', 'extra');
  /** A valid envelope, with a hostile value in some field (or in the data of a welcome or reconnect). */
  const envelope = fc
    .tuple(types, fc.array(fc.tuple(fields, hostile), { maxLength: 3 }), fc.option(hostile, { nil: undefined }))
    .map(([type, overrides, inData]) => {
      const base: Record<string, string> = { type, topic: '"channel.tips"', room: '"r"', nonce: '"n"', data: '{"client_id":"c","reconnect_token":"t"}' };
      if (inData !== undefined) base['data'] = `{"client_id":"c","reconnect_token":"t","donation":${inData}}`;
      for (const [field, value] of overrides) base[field] = value;
      return `{${Object.entries(base)
        .map(([k, v]) => `"${k}":${v}`)
        .join(',')}}`;
    });
  const frame = fc.oneof({ weight: 4, arbitrary: envelope }, hostile, hostile.map((h) => h.slice(0, Math.floor(h.length / 2))));

  it('holds', () => {
    fc.assert(
      fc.property(frame, fc.boolean(), (raw, validatePayloads) => {
        let r: E.Either<DecodeFailure, ServerFrame>;
        try {
          r = decodeFrame(raw, { validatePayloads });
        } catch (e) {
          throw new Error(`decodeFrame threw ${String(e)}`);
        }
        if (E.isLeft(r)) {
          for (const text of textsOf(r.left)) if (text.length > MAX_TEXT) throw new Error(`failure text of ${text.length} characters`);
        } else {
          // a decoded frame is what its type says it is
          expect(ServerFrame.is(r.right)).toBe(true);
          expect(Object.getPrototypeOf(r.right)).toBe(Object.prototype);
          if (r.right.type === 'message') expect(typeof r.right.data === 'object' && r.right.data !== null && !Array.isArray(r.right.data)).toBe(true);
        }
        expectNoPollution();
      }),
      { numRuns: 300 },
    );
  });
});
