import { assertBoolean, assertFunction, assertNumber } from './assertConfig';

/**
 * How a retry delay grows: `initialDelayMs · factor^attempt`, capped at
 * `maxDelayMs`, with optional "full jitter".
 *
 * @category Policies
 */
export interface BackoffConfig {
  /**
   * The delay before the first retry (attempt 0), before jitter.
   * @defaultValue 1000
   */
  initialDelayMs?: number;
  /**
   * The cap of the exponential delay, before jitter.
   * @defaultValue 30000
   */
  maxDelayMs?: number;
  /**
   * The growth factor per attempt. Minimum: 1.
   * @defaultValue 2
   */
  factor?: number;
  /**
   * "Full jitter": the delay is `random() · capped exponential delay`, so that
   * many clients that lost the same gateway do not reconnect in lockstep.
   * @defaultValue true
   */
  jitter?: boolean;
  /**
   * The source of randomness for jitter, returning a number in `[0, 1)`.
   * Inject a constant in tests.
   * @defaultValue Math.random
   */
  random?: () => number;
}

/** A {@link BackoffConfig} with every default filled in. @internal */
export type ResolvedBackoffConfig = Required<BackoffConfig>;

/**
 * Fills in the defaults of a {@link BackoffConfig} and checks it, throwing a
 * `TypeError` that names the bad option.
 *
 * @param owner The function name used in error messages.
 * @internal
 */
export function resolveBackoffConfig(config: BackoffConfig = {}, owner = 'backoffDelay'): ResolvedBackoffConfig {
  const { initialDelayMs = 1000, maxDelayMs = 30000, factor = 2, jitter = true, random = Math.random } = config;
  assertNumber(owner, 'initialDelayMs', initialDelayMs, { min: 0 });
  assertNumber(owner, 'maxDelayMs', maxDelayMs, { min: initialDelayMs });
  assertNumber(owner, 'factor', factor, { min: 1 });
  assertBoolean(owner, 'jitter', jitter);
  assertFunction(owner, 'random', random);
  return { initialDelayMs, maxDelayMs, factor, jitter, random };
}

/**
 * The delay in milliseconds before retry number `attempt` (0-based): the
 * exponential delay `initialDelayMs · factor^attempt`, capped at `maxDelayMs`;
 * with `jitter` (the default) a uniformly random part of it ("full jitter");
 * then raised to `floorMs` when that is larger (a server's `Retry-After`).
 *
 * Pure apart from the injected `random`; no clock, no timers.
 *
 * ```text
 * attempt:    0     1     2     3     4      5      6
 * no jitter:  1s    2s    4s    8s    16s    30s    30s
 * random=0.5: 0.5s  1s    2s    4s    8s     15s    15s
 * ```
 *
 * @example Exponential delays without jitter
 * ```ts
 * import { backoffDelay } from 'astro-rx/protocol';
 * [0, 1, 2, 5].map((n) => backoffDelay(n, { jitter: false }));
 * // Output: [1000, 2000, 4000, 30000]
 * backoffDelay(0, { random: () => 0.5 }); // full jitter
 * // Output: 500
 * backoffDelay(0, { jitter: false }, 2000); // Retry-After: 2 s
 * // Output: 2000
 * ```
 * @param attempt The number of retries already made in a row: 0 for the first retry.
 * @param config Growth, cap and jitter; see {@link BackoffConfig}.
 * @param floorMs A lower bound applied after jitter, e.g. a `Retry-After` in ms.
 * @returns The delay in milliseconds.
 * @throws TypeError when `attempt`, `floorMs` or an option is out of range.
 * @category Policies
 */
export function backoffDelay(attempt: number, config?: BackoffConfig, floorMs?: number): number {
  return resolvedBackoffDelay(attempt, resolveBackoffConfig(config), floorMs);
}

/**
 * {@link backoffDelay} over an already resolved config (skips re-validating it).
 *
 * @internal
 */
export function resolvedBackoffDelay(attempt: number, config: ResolvedBackoffConfig, floorMs = 0): number {
  assertNumber('backoffDelay', 'attempt', attempt, { min: 0, integer: true });
  assertNumber('backoffDelay', 'floorMs', floorMs, { min: 0 });
  const { initialDelayMs, maxDelayMs, factor, jitter, random } = config;
  // initialDelayMs 0 would give 0 · Infinity = NaN for huge attempts.
  const exponential = initialDelayMs === 0 ? 0 : initialDelayMs * factor ** attempt;
  const capped = Math.min(maxDelayMs, exponential);
  const delay = jitter ? random() * capped : capped;
  return Math.max(delay, floorMs);
}
