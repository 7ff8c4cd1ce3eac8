import type { Observable } from 'rxjs';
import { AstroError } from '../errors/astroError';
import { describeValue } from '../policies/assertConfig';
import { BoundedIterator } from './boundedIterator';

/**
 * What {@link eachEvent} does when a value arrives and its buffer is full:
 *
 * - `'error'`: stop. The buffer is discarded, the source is unsubscribed and
 *   the next `next()` rejects with an {@link AstroError} of code `'buffer_overflow'`.
 * - `'dropOldest'`: drop the oldest buffered value, keep the new one, call `onDrop`.
 *
 * @category Client
 */
export type OverflowPolicy = 'error' | 'dropOldest';

/** Options of {@link eachEvent}. @category Client */
export interface EachEventOptions {
  /**
   * How many values may wait while the loop body is busy. An integer >= 1.
   *
   * @defaultValue 1000
   */
  readonly bufferSize?: number;
  /**
   * What to do when a value arrives and `bufferSize` values are already waiting.
   *
   * @defaultValue 'error'
   */
  readonly overflow?: OverflowPolicy;
  /**
   * Called after each value dropped by `overflow: 'dropOldest'`, with the
   * number of values this iterator has dropped so far (1, 2, 3 …). If it
   * throws, the iteration ends with that error once the buffer is drained.
   */
  readonly onDrop?: (dropped: number) => void;
}


/**
 * Turns an Observable into an `AsyncIterable` for `for await`, holding at most
 * `bufferSize` values while the loop body is busy.
 *
 * Nothing happens until iteration starts: each `[Symbol.asyncIterator]()`
 * makes an independent iterator, and that iterator subscribes to `source` on
 * its first `next()`. A value that arrives while nobody awaits `next()` waits
 * in the iterator's buffer, in order. When the buffer already holds
 * `bufferSize` values, `overflow` decides: `'error'` (the default) discards the
 * buffer, unsubscribes and makes the next `next()` reject with an
 * {@link AstroError} of code `'buffer_overflow'`; `'dropOldest'` drops the
 * oldest value and calls `onDrop`. When `source` completes, the loop ends after
 * the buffered values. When `source` errors, the buffered values are delivered
 * first and then `next()` rejects with the error (drain first, then reject).
 * `return()`, which `break`, `return` and `throw` in a `for await` body call,
 * unsubscribes, discards the buffer and resolves `done`. After an end of any
 * kind the iterator holds no subscription and every further `next()` resolves
 * `done`. No scheduler is involved: values are handed over through Promises,
 * so this belongs at the edge of a program, never inside a pipeline.
 *
 * **WARNING**: a source that emits synchronously on subscribe (`of`, `range`)
 * fills the buffer before the loop body runs even once.
 *
 * ```text
 * bufferSize 2; the loop body is busy with a until the end of the line
 * source              -a--b--c--d-------|
 * buffer                  b  bc  x
 * overflow 'error'               -> buffer dropped, source unsubscribed,
 *                                   next() rejects with buffer_overflow
 * overflow 'dropOldest'          -> buffer cd, onDrop(1); the loop sees a, c, d
 * ```
 *
 * @example Drop the oldest values when the loop falls behind
 * ```ts
 * import { of } from 'rxjs';
 * import { eachEvent } from 'astro-rx';
 *
 * const numbers = eachEvent(of(1, 2, 3, 4), {
 *   bufferSize: 2,
 *   overflow: 'dropOldest',
 *   onDrop: (dropped) => console.log(`dropped ${dropped}`),
 * });
 * for await (const n of numbers) console.log(n);
 * // Output:
 * // dropped 1
 * // 1
 * // 3
 * // 4
 * ```
 *
 * @example Stop with buffer_overflow (the default policy)
 * ```ts
 * import { of } from 'rxjs';
 * import { eachEvent, isAstroError } from 'astro-rx';
 *
 * try {
 *   for await (const n of eachEvent(of(1, 2, 3, 4), { bufferSize: 2 })) console.log(n);
 * } catch (e) {
 *   if (isAstroError(e, 'buffer_overflow')) console.log(e.code);
 * }
 * // Output:
 * // 1
 * // buffer_overflow
 * ```
 *
 * @param source The Observable to iterate; subscribed once per iterator.
 * @param options Buffer size and overflow policy.
 * @returns An `AsyncIterable` whose iterators each own one subscription.
 * @throws {@link AstroError} with code `'invalid_argument'` when an option is out of range.
 * @see {@link AstroClient.events}, which iterates a topic this way.
 * @category Client
 */
export function eachEvent<T>(source: Observable<T>, options: EachEventOptions = {}): AsyncIterable<T> {
  const { bufferSize = 1000, overflow = 'error', onDrop } = options;
  // Number.isInteger is false for every value that is not a number
  if (!Number.isInteger(bufferSize) || bufferSize < 1) {
    throw new AstroError('invalid_argument', `eachEvent: option bufferSize must be an integer >= 1, got ${describeValue(bufferSize)}`);
  }
  if (overflow !== 'error' && overflow !== 'dropOldest') {
    throw new AstroError('invalid_argument', `eachEvent: option overflow must be 'error' or 'dropOldest', got ${describeValue(overflow)}`);
  }
  if (onDrop !== undefined && typeof onDrop !== 'function') {
    throw new AstroError('invalid_argument', `eachEvent: option onDrop must be a function, got ${describeValue(onDrop)}`);
  }
  return { [Symbol.asyncIterator]: () => new BoundedIterator(source, bufferSize, overflow, onDrop) };
}
