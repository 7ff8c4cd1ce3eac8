import type { Observable, Subscription } from 'rxjs';
import { AstroError } from '../errors/astroError';
import type { OverflowPolicy } from './eachEvent';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

interface Waiter<T> {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(error: unknown): void;
}

/**
 * One iterator of {@link eachEvent}: its own buffer (at most `bufferSize`
 * values), waiting `next()` calls and subscription, made on the first `next()`.
 * Whenever a `next()` waits, the buffer is empty.
 *
 * @internal
 */
export class BoundedIterator<T> implements AsyncIterator<T, undefined> {
  private readonly buffer: T[] = [];
  private readonly waiters: Array<Waiter<T>> = [];
  private started = false;
  /** No value will be buffered any more: the source ended, overflowed, or return() was called. */
  private ended = false;
  /** The error to reject with once the buffer is drained. */
  private failure: { readonly error: unknown } | undefined;
  private subscription: Subscription | undefined;
  private dropped = 0;

  constructor(
    private readonly source: Observable<T>,
    private readonly bufferSize: number,
    private readonly overflow: OverflowPolicy,
    private readonly onDrop: ((dropped: number) => void) | undefined,
  ) {}

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.buffer.length > 0) return Promise.resolve({ done: false, value: this.buffer.shift() as T });
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve(DONE);
    return new Promise<IteratorResult<T, undefined>>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.started) this.start();
    });
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.buffer.length = 0;
    this.failure = undefined;
    this.end();
    return Promise.resolve(DONE);
  }

  private start(): void {
    this.started = true;
    const sub = this.source.subscribe({ next: (v) => this.push(v), error: (error: unknown) => this.end({ error }), complete: () => this.end() });
    // the source may have overflowed or ended synchronously, inside subscribe
    if (this.ended) sub.unsubscribe();
    else this.subscription = sub;
  }

  private push(value: T): void {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ done: false, value });
    else if (this.buffer.length < this.bufferSize) this.buffer.push(value);
    else if (this.overflow === 'error') {
      this.buffer.length = 0;
      this.end({ error: overflowError(this.bufferSize) });
    } else this.dropOldest(value);
  }

  private dropOldest(value: T): void {
    this.buffer.shift();
    this.buffer.push(value);
    this.dropped += 1;
    try {
      this.onDrop?.(this.dropped);
    } catch (error) {
      this.end({ error });
    }
  }

  private end(error?: { readonly error: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    for (const waiter of this.waiters.splice(0)) {
      if (this.failure) {
        waiter.reject(this.failure.error);
        this.failure = undefined;
      } else {
        waiter.resolve(DONE);
      }
    }
  }
}

function overflowError(bufferSize: number): AstroError {
  return new AstroError(
    'buffer_overflow',
    `the for await loop fell behind: more than bufferSize (${bufferSize}) values arrived while its body was busy, ` +
      `so the iteration stopped to keep memory bounded. Make the loop body return sooner (hand slow work to a queue), ` +
      `raise bufferSize, or pass overflow: 'dropOldest' to skip the oldest values instead.`,
  );
}
