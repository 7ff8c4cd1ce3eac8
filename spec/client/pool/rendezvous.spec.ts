import fc from 'fast-check';
import { hashString, keyHash, ownerOf, score } from '../../../lib/client/pool/rendezvous';

const keyArb = fc.record({ topic: fc.string({ maxLength: 30 }), room: fc.string({ maxLength: 30 }), token: fc.string({ maxLength: 60 }) });
/** 2 000 distinct keys around a random topic, room prefix and token (cheaper to draw than 2 000 random records). */
const keysArb = fc
  .record({ topic: fc.string({ maxLength: 20 }), prefix: fc.string({ maxLength: 20 }), token: fc.string({ maxLength: 40 }), offset: fc.nat() })
  .map(({ topic, prefix, token, offset }) => Array.from({ length: 2000 }, (_, i) => ({ topic, room: `${prefix}${offset + i}`, token })));
const owners = (keys: readonly { topic: string; room: string; token: string }[], k: number) => keys.map((x) => ownerOf(keyHash(x.topic, x.room, x.token), k));
/** 2 000 distinct rooms of one topic and one token: the shape of a backend following many channels. */
const rooms = Array.from({ length: 2000 }, (_, i) => ({ topic: 'channel.activities', room: `6${i.toString(16).padStart(23, '0')}`, token: 'tok' }));

describe('rendezvous hashing', () => {
  it('is MurmurHash3 x86 32 of the UTF-16LE code units (the reference vectors)', () => {
    // U+4321 U+8765 are the bytes 21 43 65 87 in UTF-16LE.
    expect(hashString('\u4321\u8765')).toBe(0xf55b516b);
    expect(hashString('\u4321')).toBe(0xa0f7b07a);
    expect(hashString('\u4321\u8765', 0x5082edee)).toBe(0x2362f9de);
    expect(hashString('', 0xffffffff)).toBe(0x81f16f39);
    expect(hashString('', 1)).toBe(0x514e28b7);
  });

  it('is deterministic: the same key and k give the same owner, in range', () => {
    fc.assert(
      fc.property(keyArb, fc.integer({ min: 1, max: 64 }), (key, k) => {
        const a = ownerOf(keyHash(key.topic, key.room, key.token), k);
        return ownerOf(keyHash(key.topic, key.room, key.token), k) === a && a >= 0 && a < k && Number.isInteger(a);
      }),
    );
  });

  it('separates the parts of a key: moving a character between topic, room and token changes the hash', () => {
    expect(keyHash('ab', 'c', 't')).not.toBe(keyHash('a', 'bc', 't'));
    expect(keyHash('a', 'bc', 't')).not.toBe(keyHash('a', 'b', 'ct'));
  });

  it('gives one connection every key when k is 1', () => {
    fc.assert(fc.property(keyArb, (key) => ownerOf(keyHash(key.topic, key.room, key.token), 1) === 0));
  });

  it.each([2, 3, 4, 8])('balances 2 000 random keys over %i connections within ±25 % of the mean', (k) => {
    fc.assert(
      fc.property(keysArb, (keys) => {
        const counts = new Array<number>(k).fill(0);
        for (const o of owners(keys, k)) counts[o]! += 1;
        const mean = keys.length / k;
        return counts.every((c) => Math.abs(c - mean) < mean * 0.25);
      }),
      { numRuns: 4 },
    );
  });

  it('balances 2 000 sequential room ids over 4 connections within ±10 %', () => {
    const counts = [0, 0, 0, 0];
    for (const o of owners(rooms, 4)) counts[o]! += 1;
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(50);
  });

  it('moves, from k to k + 1, only keys whose owner becomes the new connection, about 1/(k + 1) of them', () => {
    fc.assert(
      fc.property(keysArb, fc.integer({ min: 1, max: 9 }), (keys, k) => {
        const before = owners(keys, k);
        const after = owners(keys, k + 1);
        const moved = before.filter((b, i) => after[i] !== b);
        const toOthers = before.filter((b, i) => after[i] !== b && after[i] !== k);
        const expected = keys.length / (k + 1);
        return toOthers.length === 0 && Math.abs(moved.length - expected) < expected * 0.2;
      }),
      { numRuns: 8 },
    );
  });

  it('moves, from k + 1 back to k, exactly the keys of the removed connection, each to its old owner', () => {
    fc.assert(
      fc.property(fc.array(keyArb, { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 9 }), (keys, k) => {
        const small = owners(keys, k);
        const big = owners(keys, k + 1);
        return big.every((b, i) => b === small[i] || b === k);
      }),
    );
  });

  it('scores each connection independently of the others (no index is favoured)', () => {
    // Over many keys, the winner among 2 is index 1 about half the time: the scores are not ordered by index.
    const wins = rooms.filter((r) => score(keyHash(r.topic, r.room, r.token), 1) > score(keyHash(r.topic, r.room, r.token), 0)).length;
    expect(Math.abs(wins - 1000)).toBeLessThan(100);
  });
});
