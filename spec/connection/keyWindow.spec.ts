import { KeyWindow } from '../../lib/connection/keyWindow';
import { KEY_WORDS, keyHash, packKey, streamHash } from '../../lib/connection/messageKey';
import { seededRandom } from '../../lib/testing';

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ID = '01JMFBZF7KSRDDXXV0EH7G8X6G';

const packed = (id: string, topic = 'channel.tips', room = 'r1'): Int32Array | undefined => {
  const out = new Int32Array(KEY_WORDS + 2);
  return packKey(id, topic, room, out, 2) ? out.subarray(2) : undefined;
};

describe('packKey: a ULID in its stream, as six words', () => {
  it('packs a ULID as Crockford base32 digits, six per word, and its stream last', () => {
    const key = packed(ID);
    const digits = [...ID].map((c) => B32.indexOf(c));
    const word = (from: number, n: number) => digits.slice(from, from + n).reduce((w, d) => w * 32 + d, 0);
    expect(key && [...key]).toEqual([word(0, 6), word(6, 6), word(12, 6), word(18, 6), word(24, 2), streamHash('channel.tips', 'r1')]);
  });

  it.each([
    ['too short', ID.slice(1)],
    ['too long', `${ID}0`],
    ['lower case', ID.toLowerCase()],
    ['an I', `I${ID.slice(1)}`],
    ['an L', `${ID.slice(0, 25)}L`],
    ['an O', `${ID.slice(0, 12)}O${ID.slice(13)}`],
    ['a U', `${ID.slice(0, 6)}U${ID.slice(7)}`],
    ['a character past ASCII', `${ID.slice(0, 25)}é`],
    ['a dash', `${ID.slice(0, 25)}-`],
  ])('refuses an id with %s (it is keyed as a string instead)', (_what, id) => {
    expect(packed(id)).toBeUndefined();
  });

  it('gives ids that differ in any one character different keys', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 26; i++) {
      for (const c of [B32[0], B32[31]] as string[]) keys.add(String(packed(`${ID.slice(0, i)}${c}${ID.slice(i + 1)}`)));
    }
    keys.add(String(packed(ID)));
    // 26 positions × 2 digits, some equal to ID itself at that position, plus ID
    const expected = new Set([...Array(26).keys()].flatMap((i) => [B32[0], B32[31]].map((c) => `${ID.slice(0, i)}${c}${ID.slice(i + 1)}`)).concat(ID));
    expect(keys.size).toBe(expected.size);
  });

  it('tells streams apart, the separator included', () => {
    const hashes = [streamHash('channel.tips', 'r1'), streamHash('channel.tips', 'r2'), streamHash('channel.tipsr', '1'), streamHash('channel.follows', 'r1'), streamHash('channel.tips', '')];
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(streamHash('a', 'b')).toBe(streamHash('a', 'b'));
  });

  it('hashes a key from all six words', () => {
    const key = packed(ID) as Int32Array;
    const base = keyHash(key, 0);
    for (let w = 0; w < KEY_WORDS; w++) {
      const other = Int32Array.from(key);
      other[w] = (other[w] ?? 0) ^ 1;
      expect(keyHash(other, 0)).not.toBe(base);
    }
    expect(keyHash(Int32Array.from([9, ...key]), 1)).toBe(base);
  });
});

describe('KeyWindow', () => {
  const key = (n: number): Int32Array => Int32Array.from([n, n >> 3, 7, n % 5, 1, n % 2]);

  it.each([0, -1, Number.NaN])('refuses a capacity of %p', (capacity) => {
    expect(() => new KeyWindow(capacity)).toThrow(new TypeError(`dedupeWindow must be >= 1, got ${capacity}`));
  });

  it('holds the last `capacity` keys, forgetting the oldest first', () => {
    const w = new KeyWindow(3);
    [1, 2, 3].forEach((n) => w.add(key(n), 0));
    expect([1, 2, 3, 4].map((n) => w.has(key(n), 0))).toEqual([true, true, true, false]);
    w.add(key(4), 0);
    expect([1, 2, 3, 4].map((n) => w.has(key(n), 0))).toEqual([false, true, true, true]);
    expect(w.size).toBe(3);
    w.clear();
    expect([w.size, ...[2, 3, 4].map((n) => w.has(key(n), 0))]).toEqual([0, false, false, false]);
    [5, 6].forEach((n) => w.add(key(n), 0));
    expect([w.size, w.has(key(5), 0), w.has(key(6), 0), w.has(key(2), 0)]).toEqual([2, true, true, false]);
  });

  it('reads a key at an offset of a longer array', () => {
    const w = new KeyWindow(2);
    const words = Int32Array.from([99, 98, ...key(7)]);
    w.add(words, 2);
    expect([w.has(key(7), 0), w.has(words, 2), w.has(words, 0)]).toEqual([true, true, false]);
  });

  // A model check over random adds with heavy probing: every answer equals a plain Set + queue's.
  it.each([1, 2, 3, 5, 8, 13])('agrees with a set of the last keys, capacity %p, over 4 000 random steps', (capacity) => {
    const random = seededRandom(capacity * 7919);
    const w = new KeyWindow(capacity);
    const model: number[] = [];
    const disagreements: string[] = [];
    const check = (step: number, n: number): void => {
      if (w.has(key(n), 0) !== model.includes(n)) disagreements.push(`step ${step}: key ${n}`);
    };
    for (let step = 0; step < 4000; step++) {
      const n = Math.floor(random() * capacity * 3);
      check(step, n);
      if (!model.includes(n)) {
        w.add(key(n), 0);
        model.push(n);
        if (model.length > capacity) model.shift();
      }
      if (step % 97 === 0) for (let m = 0; m < capacity * 3; m++) check(step, m);
      if (step % 1000 === 999) {
        w.clear();
        model.length = 0;
      }
      if (w.size !== model.length) disagreements.push(`step ${step}: size ${w.size}, not ${model.length}`);
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  });
});
