/** Options of {@link tokenBucket}. @category Testing */
export interface TokenBucketConfig {
  /** The bucket's capacity, and its content at the start. */
  readonly burst: number;
  /** One token is added every `intervalMs`, up to `burst`. */
  readonly intervalMs: number;
  /** @defaultValue `Date.now` */
  readonly now?: () => number;
}

/** A token bucket: `take()` spends one token, or returns `false` when none is left. @category Testing */
export interface TokenBucket {
  /** Spends one token: `true` when there was one, `false` (and nothing spent) when the bucket is empty. */
  take(): boolean;
  /** Tokens available now (fractional while refilling). */
  available(): number;
}

/**
 * Creates a {@link TokenBucket}: the gateway's per-connection command limit
 * (documented as a burst of 100 and one command per 100 ms).
 *
 * @example
 * ```ts
 * import { tokenBucket } from 'astro-rx/testing';
 * const bucket = tokenBucket({ burst: 2, intervalMs: 100 });
 * [bucket.take(), bucket.take(), bucket.take()]; // [true, true, false]: one more 100 ms later
 * ```
 * @category Testing
 */
export function tokenBucket(config: TokenBucketConfig): TokenBucket {
  const { burst, intervalMs } = config;
  if (!(burst >= 1)) throw new TypeError(`rateLimit.burst must be at least 1, got ${burst}`);
  if (!(intervalMs > 0)) throw new TypeError(`rateLimit.intervalMs must be positive, got ${intervalMs}`);
  const now = config.now ?? Date.now;
  let tokens = burst;
  let last = now();
  const refill = (): void => {
    const at = now();
    tokens = Math.min(burst, tokens + Math.max(0, at - last) / intervalMs);
    last = at;
  };
  return {
    take() {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    available() {
      refill();
      return tokens;
    },
  };
}
