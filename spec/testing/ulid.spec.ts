import { isUlid, monotonicUlid, ulidTime } from '../../lib/testing/ulid';

describe('monotonicUlid', () => {
  it('makes 26-character Crockford base32 ids that encode the time', () => {
    const ulid = monotonicUlid({ now: () => 1_469_918_176_385 });
    const id = ulid();
    expect(id).toHaveLength(26);
    expect(isUlid(id)).toBe(true);
    // the reference example of the ULID spec: 1469918176385 → 01ARYZ6S41
    expect(id.slice(0, 10)).toBe('01ARYZ6S41');
    expect(ulidTime(id)).toBe(1_469_918_176_385);
  });

  it('increments the random part within one millisecond', () => {
    const ulid = monotonicUlid({ now: () => 1000, random: () => 0 });
    expect(ulid()).toBe('00000000Z80000000000000000');
    expect(ulid()).toBe('00000000Z80000000000000001');
    expect(ulid()).toBe('00000000Z80000000000000002');
  });

  it('stays increasing when the clock goes backwards', () => {
    let t = 5000;
    const ulid = monotonicUlid({ now: () => t });
    const a = ulid();
    t = 4000;
    const b = ulid();
    expect(b > a).toBe(true);
    expect(ulidTime(b)).toBe(5000);
  });

  it('moves to the next millisecond when the random part overflows', () => {
    const ulid = monotonicUlid({ now: () => 7, random: () => 0.99999 });
    const a = ulid();
    expect(a.slice(10)).toBe('Z'.repeat(16));
    const b = ulid();
    expect(ulidTime(b)).toBe(8);
    expect(b > a).toBe(true);
  });

  it('sorts 10 000 ids in creation order', () => {
    const ulid = monotonicUlid();
    const ids = Array.from({ length: 10_000 }, () => ulid());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps generators independent', () => {
    const a = monotonicUlid({ now: () => 1, random: () => 0 });
    const b = monotonicUlid({ now: () => 1, random: () => 0 });
    a();
    a();
    expect(b()).toBe(`0000000001${'0'.repeat(16)}`);
  });
});

describe('isUlid / ulidTime', () => {
  it.each(['', '01J5KXYZ...', '01arYZ6S41TSV4RRFFQ69G5FAV', '81ARYZ6S41TSV4RRFFQ69G5FAV', '01ARYZ6S41TSV4RRFFQ69G5FAVX', '01ARYZ6S41TSV4RRFFQ69G5FAI'])(
    'rejects %j',
    (value) => {
      expect(isUlid(value)).toBe(false);
      expect(() => ulidTime(value)).toThrow(TypeError);
    },
  );
});
