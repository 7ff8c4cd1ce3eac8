import { TokenBucket, assertTokenBucketConfig, createBucket, nextTokenAt, refill, take } from '../../lib/policies/tokenBucket';

const cfg = { burst: 3, intervalMs: 100 };
const bucket = (tokens: number, updatedAt: number): TokenBucket => ({ tokens, updatedAt });

describe('tokenBucket', () => {
  it('creates a full bucket', () => {
    expect(createBucket(100, 42)).toEqual({ tokens: 100, updatedAt: 42 });
  });

  it('rejects a burst below 1', () => {
    expect(() => createBucket(0, 0)).toThrow(new TypeError('createBucket: option burst must be an integer >= 1, got 0'));
  });

  it.each([
    [{ burst: 0, intervalMs: 100 }, 'connect: option burst must be an integer >= 1, got 0'],
    [{ burst: 1.5, intervalMs: 100 }, 'connect: option burst must be an integer >= 1, got 1.5'],
    [{ burst: 1, intervalMs: 0 }, 'connect: option intervalMs must be a finite number > 0, got 0'],
    [{ burst: 1, intervalMs: Infinity }, 'connect: option intervalMs must be a finite number > 0, got Infinity'],
  ])('rejects the bucket shape %j, naming the option', (shape, message) => {
    expect(() => assertTokenBucketConfig('connect', shape)).toThrow(new TypeError(message));
  });

  it('accepts the smallest valid bucket shape', () => {
    expect(() => assertTokenBucketConfig('connect', { burst: 1, intervalMs: 0.5 })).not.toThrow();
  });

  describe('refill', () => {
    it.each([
      ['adds nothing before a whole interval', bucket(0, 0), 99, bucket(0, 0)],
      ['adds one token per whole interval', bucket(0, 0), 100, bucket(1, 100)],
      ['keeps the remainder of a partial interval', bucket(0, 0), 250, bucket(2, 200)],
      ['stops at burst and restarts the refill clock', bucket(0, 0), 1000, bucket(3, 1000)],
      ['moves the clock of a full bucket to now', bucket(3, 0), 500, bucket(3, 500)],
      ['does not let a full bucket bank a partial interval', bucket(3, 0), 50, bucket(3, 50)],
      ['restarts the refill clock at now when reaching burst exactly', bucket(0, 0), 350, bucket(3, 350)],
      ['counts from updatedAt, not from zero', bucket(1, 1030), 1130, bucket(2, 1130)],
      ['adds nothing when the clock goes backwards', bucket(1, 500), 400, bucket(1, 500)],
    ])('%s', (_name, before, now, after) => {
      expect(refill(before, now, cfg)).toEqual(after);
    });

    it.each([
      ['a full bucket at its own time', bucket(3, 40)],
      ['a bucket before its next whole interval', bucket(1, 40)],
    ])('returns %s as it is (no allocation on every tick)', (_name, before) => {
      expect(refill(before, 40 + (before.tokens === 3 ? 0 : 99), cfg)).toBe(before);
    });
  });

  describe('take', () => {
    it.each([
      ['takes from a full bucket and starts the refill clock', bucket(3, 0), 700, { bucket: bucket(2, 700), ok: true }],
      ['takes the last token', bucket(1, 0), 50, { bucket: bucket(0, 0), ok: true }],
      ['fails on an empty bucket', bucket(0, 0), 99, { bucket: bucket(0, 0), ok: false }],
      ['takes a token that arrived', bucket(0, 0), 100, { bucket: bucket(0, 100), ok: true }],
    ])('%s', (_name, before, now, result) => {
      expect(take(before, now, cfg)).toEqual(result);
    });

    it('lets 250 takes at time 0 succeed exactly burst times', () => {
      let b = createBucket(100, 0);
      let ok = 0;
      for (let i = 0; i < 250; i++) {
        const r = take(b, 0, { burst: 100, intervalMs: 100 });
        b = r.bucket;
        if (r.ok) ok++;
      }
      expect(ok).toBe(100);
    });
  });

  describe('nextTokenAt', () => {
    it.each([
      ['is now when a token is available', bucket(1, 0), 30, 30],
      ['is the next refill of an empty bucket', bucket(0, 1000), 1030, 1100],
      ['is now when a token arrived meanwhile', bucket(0, 0), 150, 150],
      ['counts from the last refill', bucket(0, 0), 250, 250],
    ])('%s', (_name, before, now, expected) => {
      expect(nextTokenAt(before, now, cfg)).toBe(expected);
    });

    it('paces an emptied bucket one interval apart', () => {
      let b = createBucket(2, 0);
      const times: number[] = [];
      let now = 0;
      for (let i = 0; i < 5; i++) {
        now = nextTokenAt(b, now, cfg);
        b = take(b, now, cfg).bucket;
        times.push(now);
      }
      expect(times).toEqual([0, 0, 100, 200, 300]);
    });
  });
});
