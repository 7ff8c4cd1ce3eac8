/**
 * `decodeFrame` skips the depth walk when the text has too few opening brackets
 * to nest past the limit. The skip must never change a result: a frame is
 * `FrameTooDeep` exactly when its parsed value nests deeper than `maxDepth`.
 */
import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { decodeFrame, opensMoreThan } from '../../lib/protocol/decode';

/** Nesting depth as the decoder counts it: a container is one level more than its deepest child. */
function depth(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
  return 1 + children.reduce((m: number, c) => Math.max(m, depth(c)), 0);
}

const nested = (levels: number, inner: unknown): unknown => (levels === 0 ? inner : { n: [nested(levels - 1, inner)] });

describe('the depth pre-check', () => {
  it('never claims fewer brackets than a value nests (bracket-like characters in strings only add)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 12 }), (value, limit) => {
        if (!opensMoreThan(JSON.stringify(value), limit)) expect(depth(value)).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves the decoder result unchanged: FrameTooDeep exactly when the frame nests deeper than maxDepth', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 2, max: 12 }), fc.string(), (levels, maxDepth, noise) => {
        const frame = { type: 'message', topic: 'channel.tips', room: 'r', data: { note: noise, x: nested(levels, 1) } };
        const result = decodeFrame(JSON.stringify(frame), { maxDepth });
        const tooDeep = E.isLeft(result) && result.left._tag === 'FrameTooDeep';
        expect(tooDeep).toBe(depth(frame) > maxDepth);
      }),
      { numRuns: 1000 },
    );
  });

  it('counts both kinds of bracket', () => {
    expect(opensMoreThan('{"a":[[[1]]]}', 3)).toBe(true);
    expect(opensMoreThan('{"a":[[1]]}', 3)).toBe(false);
    expect(opensMoreThan('[{"a":{}}]', 2)).toBe(true);
    expect(opensMoreThan('"{{{{"', 3)).toBe(true);
  });
});
