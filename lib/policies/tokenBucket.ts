import { assertNumber } from './assertConfig';

/**
 * The shape of a token bucket: it holds at most `burst` tokens and gains one
 * token every `intervalMs`. Astro's documented command limit is burst 100, one
 * token per 100 ms.
 *
 * @category Policies
 */
export interface TokenBucketConfig {
  /** The capacity: how many commands may leave back to back. Minimum: 1. */
  readonly burst: number;
  /** The time to regain one token, in milliseconds. Must be > 0. */
  readonly intervalMs: number;
}

/**
 * The state of a token bucket at time `updatedAt`: `tokens` whole tokens, the
 * next one due at `updatedAt + intervalMs` (when not full). A plain value, never
 * changed in place: every function here returns a new bucket, or the same one
 * when nothing changed.
 *
 * @category Policies
 */
export interface TokenBucket {
  readonly tokens: number;
  /** The clock reading (ms) from which the next refill is counted. */
  readonly updatedAt: number;
}

/** The result of {@link take}: the new bucket, and whether a token was taken. @category Policies */
export interface TakeResult {
  readonly bucket: TokenBucket;
  readonly ok: boolean;
}

/**
 * Checks a {@link TokenBucketConfig}, throwing a `TypeError` that names the bad
 * option.
 *
 * @internal
 */
export function assertTokenBucketConfig(owner: string, config: TokenBucketConfig): void {
  assertNumber(owner, 'burst', config.burst, { min: 1, integer: true });
  assertNumber(owner, 'intervalMs', config.intervalMs, { above: 0 });
}

/**
 * A full bucket (`burst` tokens) at time `now`.
 *
 * ```text
 * burst 3, now 0:   tokens ●●●   updatedAt 0
 * ```
 *
 * @example A bucket for Astro's command limit
 * ```ts
 * import { createBucket } from 'astro-rx/protocol';
 * createBucket(100, 0);
 * // Output: { tokens: 100, updatedAt: 0 }
 * ```
 * @category Policies
 */
export function createBucket(burst: number, now: number): TokenBucket {
  assertNumber('createBucket', 'burst', burst, { min: 1, integer: true });
  return { tokens: burst, updatedAt: now };
}

/**
 * The bucket at time `now`: one token more for each whole `intervalMs` since
 * `updatedAt`, never more than `burst`. A full bucket does not bank time: its
 * refill clock restarts at `now`. A clock that goes backwards adds nothing.
 *
 * ```text
 * intervalMs 100, burst 3, empty at t=0:
 * t:       0    100   200   300   400
 * tokens:  0    1     2     3     3   (full: updatedAt follows now)
 * ```
 *
 * @example Two intervals and a half later
 * ```ts
 * import { refill } from 'astro-rx/protocol';
 * refill({ tokens: 0, updatedAt: 0 }, 250, { burst: 100, intervalMs: 100 });
 * // Output: { tokens: 2, updatedAt: 200 }
 * ```
 * @category Policies
 */
export function refill(bucket: TokenBucket, now: number, config: TokenBucketConfig): TokenBucket {
  if (bucket.tokens >= config.burst) return bucket.updatedAt === now ? bucket : { tokens: config.burst, updatedAt: now };
  const gained = Math.floor(Math.max(0, now - bucket.updatedAt) / config.intervalMs);
  if (gained === 0) return bucket;
  const tokens = bucket.tokens + gained;
  return tokens >= config.burst
    ? { tokens: config.burst, updatedAt: now }
    : { tokens, updatedAt: bucket.updatedAt + gained * config.intervalMs };
}

/**
 * Takes one token at time `now`, if there is one after refilling.
 *
 * ```text
 * burst 1, intervalMs 100
 * t:      0     50     100
 * take:   ok    fail   ok
 * tokens: 1→0   0      1→0
 * ```
 *
 * @example The second take within an interval fails
 * ```ts
 * import { createBucket, take } from 'astro-rx/protocol';
 * const cfg = { burst: 1, intervalMs: 100 };
 * const first = take(createBucket(1, 0), 0, cfg); // { bucket: { tokens: 0, updatedAt: 0 }, ok: true }
 * take(first.bucket, 50, cfg).ok;
 * // Output: false
 * ```
 * @category Policies
 */
export function take(bucket: TokenBucket, now: number, config: TokenBucketConfig): TakeResult {
  const current = refill(bucket, now, config);
  return current.tokens >= 1
    ? { bucket: { tokens: current.tokens - 1, updatedAt: current.updatedAt }, ok: true }
    : { bucket: current, ok: false };
}

/**
 * The earliest time, at or after `now`, at which {@link take} succeeds: `now`
 * when a token is available, else when the next token arrives.
 *
 * ```text
 * empty since 1000, intervalMs 100
 * t:      1000 ····· 1030 ····· 1100
 *                    now        nextTokenAt
 * ```
 *
 * @example When the next command may leave
 * ```ts
 * import { nextTokenAt } from 'astro-rx/protocol';
 * nextTokenAt({ tokens: 0, updatedAt: 1000 }, 1030, { burst: 100, intervalMs: 100 });
 * // Output: 1100
 * ```
 * @category Policies
 */
export function nextTokenAt(bucket: TokenBucket, now: number, config: TokenBucketConfig): number {
  const current = refill(bucket, now, config);
  return current.tokens >= 1 ? now : Math.max(now, current.updatedAt + config.intervalMs);
}
