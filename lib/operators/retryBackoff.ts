import { MonoTypeOperatorFunction, NEVER, Observable, SchedulerLike, asyncScheduler, concat, defer, race, retry, take, tap, throwError, timer } from 'rxjs';
import { AstroError } from '../errors/astroError';
import { assertFunction, assertNumber, assertScheduler } from '../policies/assertConfig';
import { BackoffConfig, resolveBackoffConfig, resolvedBackoffDelay } from '../policies/backoffDelay';

/** What {@link retryBackoff} tells `onRetry` before it waits. @category Operators */
export interface RetryInfo {
  /** The 1-based number of this retry in the current run of failures. */
  attempt: number;
  /** How long it waits before resubscribing, in milliseconds. */
  delayMs: number;
  /** The error that ended the previous attempt. */
  error: unknown;
}

/** Options of {@link retryBackoff}: the {@link BackoffConfig} plus the retry policy. @category Operators */
export interface RetryBackoffConfig<T> extends BackoffConfig {
  /**
   * How long an attempt must stay up after its first healthy value for the
   * attempt counter to start again from 0.
   * @defaultValue 5000
   */
  minUptimeMs?: number;
  /**
   * How many retries in a row (without a reset) are allowed; the error after
   * the last one is rethrown. Minimum: 0.
   * @defaultValue Infinity
   */
  maxAttempts?: number;
  /**
   * Whether an error is worth a retry; the others are rethrown at once.
   * @defaultValue retry unless the error is an {@link AstroError} that is not `retryable`
   */
  shouldRetry?: (error: unknown) => boolean;
  /**
   * Whether a value shows that the connection works (e.g. it is a `welcome`
   * frame). Only such a value, followed by `minUptimeMs` without an error,
   * resets the attempt counter.
   * @defaultValue every value is healthy
   */
  isHealthy?: (value: T) => boolean;
  /**
   * Cuts a backoff wait short: the next attempt starts as soon as this emits
   * (e.g. a browser's `online` event). The delay's floor from `Retry-After` is not cut.
   */
  wakeup?: Observable<unknown>;
  /** Called just before waiting `delayMs`, e.g. for a log line or a status stream. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Where the retry timers run and the clock is read.
   * @defaultValue asyncScheduler
   */
  scheduler?: SchedulerLike;
}

/** The default of {@link RetryBackoffConfig.shouldRetry}: retry unless the error is a non-retryable {@link AstroError}. */
const retryUnlessFatal = (error: unknown): boolean => !(error instanceof AstroError && !error.retryable);

/**
 * Resubscribes to the source after an error, waiting an exponential, jittered
 * delay ({@link backoffDelay}) that grows with each failure in a row: the
 * reconnection policy of a connection, usable on any Observable.
 *
 * <span class="informal">`retry({ delay })` with backoff, a Retry-After floor,
 * fatal-error classification, and a counter that resets only after a healthy,
 * lasting attempt.</span>
 *
 * Each subscription counts its own attempts (the counter lives in `defer`).
 * The counter starts again from 0 only when the failed attempt had emitted a
 * value for which `isHealthy` is true and then stayed up for at least
 * `minUptimeMs` after it. A connection that opens, or even is welcomed, and
 * drops at once keeps backing off. When the error is an {@link AstroError}
 * with `details.retryAfterMs` (a refused upgrade's `Retry-After`), the delay is
 * at least that long. Errors for which `shouldRetry` is false, and the error
 * after `maxAttempts` retries in a row, are rethrown at once.
 *
 * Values of failed attempts are still emitted, as with `retry`. Completion is
 * passed through (use `repeat` to reconnect after a clean close).
 * Unsubscribing during a wait cancels its timer. All timers run on
 * `scheduler`.
 *
 * ```text
 * source:    #                (every attempt fails at once; jitter: false)
 * attempts:  ^  1s ^ 2s ^ 4s ^ 8s ^ 16s ^ 30s ^ 30s ^ …
 * result:    ------------------------------------------…
 *
 * source:    w---#            (w: healthy, then up ≥ minUptimeMs)
 * attempt 1: ^---!
 * attempt 2:      ···1s···^   (counter reset: waits initialDelayMs again)
 * ```
 *
 * @example Reconnect a socket with backoff, resetting after a welcome
 * ```ts
 * import { retryBackoff } from 'astro-rx';
 * frames$
 *   .pipe(
 *     retryBackoff({
 *       isHealthy: (frame) => frame.type === 'welcome',
 *       onRetry: ({ attempt, delayMs }) => console.log(`retry ${attempt} in ${Math.round(delayMs)} ms`),
 *     }),
 *   )
 *   .subscribe(handleFrame);
 * // Output (for a gateway that refuses twice):
 * // retry 1 in 734 ms
 * // retry 2 in 1412 ms
 * ```
 * @param config Backoff shape and retry policy; see {@link RetryBackoffConfig}.
 * @returns An operator that retries the source with backoff.
 * @throws TypeError at creation when an option is out of range.
 * @see {@link backoffDelay}
 * @category Operators
 */
export function retryBackoff<T>(config: RetryBackoffConfig<T> = {}): MonoTypeOperatorFunction<T> {
  const owner = 'retryBackoff';
  const backoff = resolveBackoffConfig(config, owner);
  const {
    minUptimeMs = 5000,
    maxAttempts = Infinity,
    shouldRetry = retryUnlessFatal,
    isHealthy = () => true,
    onRetry,
    wakeup,
    scheduler = asyncScheduler,
  } = config;
  assertNumber(owner, 'minUptimeMs', minUptimeMs, { min: 0 });
  assertNumber(owner, 'maxAttempts', maxAttempts, { min: 0, integer: true, allowInfinity: true });
  assertFunction(owner, 'shouldRetry', shouldRetry);
  assertFunction(owner, 'isHealthy', isHealthy);
  if (onRetry !== undefined) assertFunction(owner, 'onRetry', onRetry);
  assertScheduler(owner, 'scheduler', scheduler);

  return (source) =>
    defer(() => {
      // Failed attempts in a row, and when the current attempt first looked healthy.
      let failures = 0;
      let healthySince: number | undefined;
      const retryDelay = (error: unknown): Observable<unknown> => {
        const stayedUp = healthySince !== undefined && scheduler.now() - healthySince >= minUptimeMs;
        healthySince = undefined;
        if (stayedUp) failures = 0;
        if (!shouldRetry(error) || failures >= maxAttempts) return throwError(() => error);
        const delayMs = resolvedBackoffDelay(failures, backoff, retryAfterMs(error));
        failures += 1;
        onRetry?.({ attempt: failures, delayMs, error });
        const floor = retryAfterMs(error);
        if (wakeup === undefined || floor !== undefined) return timer(delayMs, scheduler);
        // a wakeup that completes without emitting must not end the wait (nor the retrying)
        return race(timer(delayMs, scheduler), concat(wakeup.pipe(take(1)), NEVER));
      };
      return source.pipe(
        tap((value) => {
          if (healthySince === undefined && isHealthy(value)) healthySince = scheduler.now();
        }),
        retry({ delay: retryDelay }),
      );
    });
}

function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof AstroError)) return undefined;
  const ms = error.details.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
