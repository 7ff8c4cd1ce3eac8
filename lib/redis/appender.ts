/**
 * Runs the append buffer ({@link buffer}) against Redis: entries go in, writes
 * come out one batch at a time, a failed write is retried on a timer of the
 * injected scheduler.
 */
import { interval, lastValueFrom, map, merge, Subject, takeWhile, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { runMachine } from '../operators/runMachine';
import { buffer, initialBuffer, type BufferInput, type BufferState } from './buffer';
import type { PendingEntry } from './entries';
import type { WriteResult } from './adapter';

export interface AppenderStats {
  readonly buffered: number;
  readonly redisUp: boolean;
  readonly appended: number;
  readonly duplicates: number;
  readonly dropped: number;
  readonly writeFailures: number;
}

export interface Appender {
  enqueue(entry: PendingEntry): void;
  stats(): AppenderStats;
  /** Resolves once nothing waits (checked every {@link DRAIN_CHECK_MS} on the scheduler), or after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void>;
  close(): void;
}

export interface AppenderConfig {
  readonly bound: number;
  readonly batch: number;
  readonly retryMs: number;
  readonly write: (entries: readonly PendingEntry[]) => Promise<WriteResult>;
  readonly onChange: () => void;
}

/** How often `drained()` looks at the queue. */
export const DRAIN_CHECK_MS = 20;

export function startAppender(config: AppenderConfig, scheduler: SchedulerLike): Appender {
  // the named feedback loop: entries in, and the results of the writes the machine asked for
  const inputs = new Subject<BufferInput>();
  let state: BufferState = initialBuffer();
  const totals = { appended: 0, duplicates: 0, writeFailures: 0 };
  const retry$ = interval(config.retryMs, scheduler).pipe(map((): BufferInput => ({ type: 'retry' })));
  const sub: Subscription = merge(inputs, retry$)
    .pipe(runMachine(buffer, initialBuffer, { bound: config.bound, batch: config.batch }, scheduler, (s) => (state = s)))
    .subscribe((out) => {
      if (out.type !== 'write') return config.onChange();
      config.write(out.entries).then(
        (r) => {
          totals.appended += r.added;
          totals.duplicates += r.duplicates;
          inputs.next({ type: 'written' });
          config.onChange();
        },
        () => {
          totals.writeFailures++;
          inputs.next({ type: 'writeFailed' });
          config.onChange();
        },
      );
    });
  return {
    enqueue: (entry) => inputs.next({ type: 'enqueue', entry }),
    stats: () => ({ buffered: state.queue.length, redisUp: state.up, dropped: state.dropped, ...totals }),
    drained: (timeoutMs) => {
      const until = scheduler.now() + timeoutMs;
      const waiting = () => state.queue.length > 0 && scheduler.now() < until;
      return waiting() ? lastValueFrom(timer(DRAIN_CHECK_MS, DRAIN_CHECK_MS, scheduler).pipe(takeWhile(waiting)), { defaultValue: undefined }).then(() => undefined) : Promise.resolve();
    },
    close: () => {
      sub.unsubscribe();
      inputs.complete();
    },
  };
}
