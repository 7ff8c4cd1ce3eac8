import fc from 'fast-check';
import { hash32, ownerOf } from '../../lib/redis/rendezvous';

const keys = Array.from({ length: 1000 }, (_, i) => JSON.stringify(['channel.tips', `room${i}`, 'main']));

describe('rendezvous hashing', () => {
  it('spreads keys over workers about evenly', () => {
    const counts = new Map<string, number>();
    for (const k of keys) {
      const w = ownerOf(k, ['w1', 'w2', 'w3', 'w4'])!;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['w1', 'w2', 'w3', 'w4']);
    for (const n of counts.values()) expect(Math.abs(n - 250)).toBeLessThan(60);
  });

  it('moves only the keys the new worker wins when a worker joins', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { minLength: 1, maxLength: 8 }), fc.stringMatching(/^[a-z0-9-]{1,12}$/), (workers, joining) => {
        fc.pre(!workers.includes(joining));
        for (const k of keys.slice(0, 200)) {
          const before = ownerOf(k, workers);
          const after = ownerOf(k, [...workers, joining]);
          if (after !== before) expect(after).toBe(joining);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('does not depend on the order of the workers, and has no owner without workers', () => {
    for (const k of keys.slice(0, 100)) expect(ownerOf(k, ['a', 'b', 'c'])).toBe(ownerOf(k, ['c', 'a', 'b']));
    expect(ownerOf(keys[0]!, [])).toBeUndefined();
  });

  it('hashes deterministically to 32 bits', () => {
    expect(hash32('abc')).toBe(hash32('abc'));
    expect(hash32('abc')).not.toBe(hash32('abd'));
    expect(hash32('x') >>> 0).toBe(hash32('x'));
  });
});
