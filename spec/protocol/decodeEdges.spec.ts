import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { decodeFrame, decodeFrameValue } from '../../lib/protocol/decode';
import { describeDecodeFailure, matchDecodeFailure, scrubDecodeFailure } from '../../lib/protocol/decodeFailure';
import type { DecodeFailure } from '../../lib/protocol/decodeFailure';

const failure = <A>(result: E.Either<DecodeFailure, A>): DecodeFailure => {
  if (E.isRight(result)) throw new Error('expected a failure');
  return result.left;
};

describe('decodeFrame: the size of a text frame is its UTF-8 length', () => {
  it.each<[string, string]>([
    ['three-byte characters (U+20AC)', '€'.repeat(100)],
    ['the first three-byte character (U+0800)', '\u0800'.repeat(100)],
    ['four-byte characters, the first (U+10000)', '\ud800\udc00'.repeat(60)],
    ['four-byte characters, the last (U+10FFFF)', '\udbff\udfff'.repeat(60)],
    ['a mix of one, two, three and four bytes', `a\u00e9\u20ac\ud83d\ude00`.repeat(40)],
    ['the last three-byte character before the surrogates (U+D7FF)', '\ud7ff'.repeat(100)],
    ['the last one-byte character (U+007F) among two-byte ones', '\u007f\u0080'.repeat(60)],
    ['the first two-byte character (U+0080)', '\u0080'.repeat(100)],
    ['the last two-byte character (U+07FF)', '\u07ff'.repeat(100)],
    ['three-byte characters past the surrogates (U+E000, U+FFFF)', '\ue000\uffff'.repeat(60)],
  ])('counts %s exactly: one byte over the limit is too large, at the limit it is parsed', (_name, text) => {
    const bytes = Buffer.byteLength(text, 'utf8');
    expect(failure(decodeFrame(text, { maxFrameBytes: bytes - 1 }))).toEqual({ _tag: 'FrameTooLarge', byteLength: bytes, limit: bytes - 1 });
    expect(failure(decodeFrame(text, { maxFrameBytes: bytes }))._tag).toBe('InvalidJson');
  });
});

describe('decodeFrame: binary frames are refused with their size', () => {
  it.each<[string, unknown, number]>([
    ['an ArrayBuffer', new ArrayBuffer(7), 7],
    ['a Uint8Array', new Uint8Array(5), 5],
    ['a DataView', new DataView(new ArrayBuffer(9)), 9],
    ['fragments (ws)', [new Uint8Array(3), new Uint8Array(4)], 7],
    ['something else the types do not allow', 123, 0],
  ])('%s', (_name, raw, byteLength) => {
    expect(failure(decodeFrame(raw as never))).toEqual({ _tag: 'BinaryFrame', byteLength });
  });
});

describe('decodeFrame: a text exactly as long as the limit in characters', () => {
  it('is measured in bytes: one two-byte character makes it too large', () => {
    const text = `\u00e9${'a'.repeat(9)}`;
    expect(failure(decodeFrame(text, { maxFrameBytes: 10 }))).toEqual({ _tag: 'FrameTooLarge', byteLength: 11, limit: 10 });
    expect(failure(decodeFrame('a'.repeat(10), { maxFrameBytes: 10 }))._tag).toBe('InvalidJson');
  });
});

describe('decodeFrameValue', () => {
  it.each<[string, unknown]>([
    ['a number', 42],
    ['a string', 'welcome'],
    ['null', null],
  ])('reads %s as a frame of unknown type, never as too deep', (_name, value) => {
    expect(failure(decodeFrameValue(value, { maxDepth: 1 }))._tag).toBe('UnknownFrameType');
  });

  it.each<[string, unknown, unknown]>([
    ['null', null, undefined],
    ['an array', [{ type: 'welcome' }], undefined],
    ['a numeric type', { type: 5, topic: 't', data: {} }, 5],
    ['a typeless frame with a topic but no data', { topic: 't' }, undefined],
    ['a typeless frame with data but no topic', { data: {} }, undefined],
    ['a typeless frame with a numeric topic', { topic: 1, data: {} }, undefined],
  ])('reads %s as a frame of unknown type, naming the type it had', (_name, value, type) => {
    expect(failure(decodeFrameValue(value))).toEqual({ _tag: 'UnknownFrameType', type, value });
  });

  it('reads a typeless frame with a topic and data as a message (older gateways)', () => {
    const value = { topic: 'channel.tips', room: 'r', data: { amount: 1 } };
    expect(decodeFrameValue(value)).toEqual(E.right({ ...value, type: 'message' }));
  });
});

describe('decodeFrame with payload codecs that throw', () => {
  const throwingWith = (cause: () => unknown) =>
    new t.Type<unknown>(
      'Throwing',
      (_u): _u is unknown => {
        throw cause();
      },
      () => {
        throw cause();
      },
      t.identity,
    );
  const throwing = throwingWith(() => new RangeError('codec bug'));
  const raw = JSON.stringify({ type: 'message', topic: 'channel.tips', room: 'r', data: { amount: 1 } });
  const reportOf = (codec: t.Type<unknown>) => failure(decodeFrame(raw, { validatePayloads: { 'channel.tips': codec } }));

  it.each<[string, () => unknown, string]>([
    ['a thrown string, by its type', () => 'oops', 'the frame could not be checked (string)'],
    [
      'an error whose name cannot be read, as "error"',
      () =>
        new (class extends Error {
          override get name(): string {
            throw new Error('hostile');
          }
        })('x'),
      'the frame could not be checked (error)',
    ],
  ])('names the cause of %s', (_name, cause, line) => {
    expect(reportOf(throwingWith(cause))).toMatchObject({ _tag: 'InvalidFrame', report: [line] });
  });

  it('reports the frame as uncheckable, naming the cause, instead of throwing', () => {
    const result = reportOf(throwing);
    expect(result).toMatchObject({ _tag: 'InvalidFrame', errors: [], report: ['the frame could not be checked (RangeError: codec bug)'] });
    expect(describeDecodeFailure(result)).toBe('frame does not match the protocol: the frame could not be checked (RangeError: codec bug)');
  });
});

describe('describeDecodeFailure', () => {
  it('says "invalid" when a failure has no report line', () => {
    expect(describeDecodeFailure({ _tag: 'InvalidFrame', value: 1, errors: [], report: [] })).toBe('frame does not match the protocol: invalid');
    const frame = { type: 'message' as const, topic: 'channel.tips', data: {} };
    expect(describeDecodeFailure({ _tag: 'PayloadMismatch', frame, errors: [], report: [] })).toBe(
      'payload of channel.tips does not match its documented shape: invalid',
    );
  });

  it('refuses a failure of no known kind with a TypeError that previews it', () => {
    const match = matchDecodeFailure({
      InvalidJson: () => 1,
      BinaryFrame: () => 2,
      FrameTooLarge: () => 3,
      FrameTooDeep: () => 4,
      InvalidFrame: () => 5,
      UnknownFrameType: () => 6,
      PayloadMismatch: () => 7,
    });
    expect(() => match({ _tag: 'Other' } as unknown as DecodeFailure)).toThrow(new TypeError('unexpected decode failure {"_tag":"Other"}'));
    expect(() => scrubDecodeFailure({ _tag: 'Else' } as unknown as DecodeFailure, (x) => x)).toThrow(
      new TypeError('unexpected decode failure {"_tag":"Else"}'),
    );
  });
});

describe('decodeFrame: the fast path for messages accepts only what the codec accepts', () => {
  const message = { type: 'message', topic: 'channel.tips', data: { amount: 1 } };
  it.each<[string, Record<string, unknown>]>([
    ['a numeric room', { room: 5 }],
    ['a null room', { room: null }],
    ['a numeric id', { id: 5 }],
    ['a numeric ts', { ts: 5 }],
    ['a numeric topic', { topic: 5 }],
    ['data that is a list', { data: [] }],
    ['data that is null', { data: null }],
    ['data that is text', { data: 'x' }],
  ])('refuses a message with %s', (_name, patch) => {
    const raw = JSON.stringify({ ...message, ...patch });
    expect(failure(decodeFrame(raw))._tag).toBe('InvalidFrame');
  });

  it.each<[string, Record<string, unknown>]>([
    ['no room, id or ts', {}],
    ['a room, an id and a ts', { room: 'r', id: 'i', ts: '2026-11-30T00:00:00Z' }],
  ])('accepts a message with %s, as it came', (_name, patch) => {
    const value = { ...message, ...patch };
    expect(decodeFrame(JSON.stringify(value))).toEqual(E.right(value));
  });
});

describe('decodeFrameValue: the smallest depth limits', () => {
  it.each<[string, unknown, number, string]>([
    ['a primitive under maxDepth 0', 42, 0, 'UnknownFrameType'],
    ['a flat object under maxDepth 0', { type: 'nope' }, 0, 'FrameTooDeep'],
    ['a flat object under maxDepth 1', { type: 'nope' }, 1, 'UnknownFrameType'],
    ['an object one level deeper than maxDepth 1', { type: 'welcome', data: { client_id: 'c' } }, 1, 'FrameTooDeep'],
    ['an object as deep as maxDepth 2', { type: 'nope', data: { client_id: 'c' } }, 2, 'UnknownFrameType'],
    ['an array inside an array, past maxDepth 1', [[1]], 1, 'FrameTooDeep'],
  ])('reads %s', (_name, value, maxDepth, tag) => {
    expect(failure(decodeFrameValue(value, { maxDepth }))._tag).toBe(tag);
  });
});
