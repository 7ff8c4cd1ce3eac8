import * as E from 'fp-ts/Either';
import { decodeFrame, decodeFrameValue } from '../../lib/protocol/decode';
import type { DecodeFailure } from '../../lib/protocol/decodeFailure';

const tagOf = (result: E.Either<DecodeFailure, unknown>): string => (E.isRight(result) ? 'Right' : result.left._tag);

describe('decodeFrameValue: the depth limit counts containers only', () => {
  it('a primitive is an unknown frame type even with maxDepth 0 (it is no container)', () => {
    for (const value of [5, 'text', true]) expect(tagOf(decodeFrameValue(value, { maxDepth: 0 }))).toBe('UnknownFrameType');
  });

  it('null at the deepest allowed level is a value, not a container', () => {
    const welcome = (extra: unknown) => ({ type: 'welcome', data: { client_id: 'c1', extra } });
    expect(tagOf(decodeFrameValue(welcome(null), { maxDepth: 2 }))).toBe('Right');
    expect(tagOf(decodeFrameValue(welcome({}), { maxDepth: 2 }))).toBe('FrameTooDeep');
  });

  it('an array nests like an object: its elements are one level below it', () => {
    const frame = { type: 'welcome', data: { client_id: 'c1', extra: [[]] } };
    expect(tagOf(decodeFrameValue(frame, { maxDepth: 4 }))).toBe('Right');
    expect(tagOf(decodeFrameValue(frame, { maxDepth: 3 }))).toBe('FrameTooDeep');
  });
});

describe('decodeFrame: a type that is not a string', () => {
  it('is an unknown frame type even when it reads as a frame type name (["welcome"])', () => {
    const text = JSON.stringify({ type: ['welcome'], client_id: 'c1' });
    const result = decodeFrame(text);
    expect(tagOf(result)).toBe('UnknownFrameType');
    expect(E.isLeft(result) && result.left._tag === 'UnknownFrameType' && result.left.type).toEqual(['welcome']);
  });
});

describe('decodeFrame: a text with more characters than the limit is not counted', () => {
  it('reports its length in characters, a lower bound of its UTF-8 size', () => {
    const text = 'é'.repeat(1001);
    const result = decodeFrame(text, { maxFrameBytes: 1000 });
    expect(E.isLeft(result) && result.left).toEqual({ _tag: 'FrameTooLarge', byteLength: 1001, limit: 1000 });
    expect(Buffer.byteLength(text)).toBe(2002);
  });
});
