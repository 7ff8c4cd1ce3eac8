import { MonoTypeOperatorFunction, SchedulerLike, asyncScheduler, concatMap, defer, map, of, timer } from 'rxjs';
import { assertScheduler } from '../policies/assertConfig';
import { TokenBucket, TokenBucketConfig, assertTokenBucketConfig, createBucket, nextTokenAt, take } from '../policies/tokenBucket';

/** Options of {@link rateLimit}. @category Operators */
export interface RateLimitConfig {
  /**
   * How many values may leave back to back (the bucket's capacity). Minimum: 1.
   * @defaultValue 100
   */
  burst?: number;
  /**
   * The time to regain one token, in milliseconds.
   * @defaultValue 100
   */
  intervalMs?: number;
  /**
   * Where the waits run and the clock is read.
   * @defaultValue asyncScheduler
   */
  scheduler?: SchedulerLike;
}

/**
 * Paces values through a token bucket: up to `burst` values leave at once,
 * then one every `intervalMs`. Values keep their order and none is dropped.
 *
 * <span class="informal">Astro's command limit (burst 100, one per 100 ms) as
 * an operator: N values leave in the least time the limit allows.</span>
 *
 * Each subscription has its own bucket, full when it subscribes. A value that
 * finds a token leaves synchronously; the others wait, in order, until a token
 * is due. When the source completes, the result completes after the last
 * queued value has left; an error is passed on at once. Unsubscribing cancels
 * the pending wait. The queue is unbounded: **WARNING** a source that is
 * always faster than the limit grows it without end.
 *
 * ```text
 * source:  (abcd)|            burst 2, intervalMs 5
 * result:  (ab)-c----(d|)
 * ```
 *
 * @example Send 250 commands as fast as the gateway allows
 * ```ts
 * import { rateLimit } from 'astro-rx';
 * import { range } from 'rxjs';
 * range(0, 250)
 *   .pipe(rateLimit({ burst: 100, intervalMs: 100 }))
 *   .subscribe({ complete: () => console.log('all sent') });
 * // 100 leave at once, then one every 100 ms; after 15 s:
 * // Output: all sent
 * ```
 * @param config Bucket size, refill interval and scheduler.
 * @returns An operator that delays values to respect the limit.
 * @throws TypeError at creation when an option is out of range.
 * @see {@link commandQueue} for the command queue with priorities and cancellation.
 * @category Operators
 */
export function rateLimit<T>(config: RateLimitConfig = {}): MonoTypeOperatorFunction<T> {
  const { burst = 100, intervalMs = 100, scheduler = asyncScheduler } = config;
  const bucketConfig: TokenBucketConfig = { burst, intervalMs };
  assertTokenBucketConfig('rateLimit', bucketConfig);
  assertScheduler('rateLimit', 'scheduler', scheduler);

  return (source) =>
    defer(() => {
      let bucket: TokenBucket = createBucket(burst, scheduler.now());
      const leave = (value: T): T => {
        bucket = take(bucket, scheduler.now(), bucketConfig).bucket;
        return value;
      };
      return source.pipe(
        concatMap((value) => {
          const now = scheduler.now();
          const wait = nextTokenAt(bucket, now, bucketConfig) - now;
          return wait <= 0 ? of(leave(value)) : timer(wait, scheduler).pipe(map(() => leave(value)));
        }),
      );
    });
}
