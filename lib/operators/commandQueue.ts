import { Observable, OperatorFunction, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { AstroError } from '../errors/astroError';
import type { ClientCommand } from '../protocol/commands';
import { assertNumber, assertScheduler, describeValue } from '../policies/assertConfig';
import { commandDetails, describeCommand } from '../policies/describeCommand';
import { TokenBucketConfig, assertTokenBucketConfig, createBucket, nextTokenAt, take } from '../policies/tokenBucket';

/**
 * The lane of a queued command. `'normal'`: user commands and unsubscribes;
 * `'bulk'`: re-subscribes after a reconnect. Normal commands leave before bulk
 * ones; within a lane the order is first in, first out.
 *
 * @category Operators
 */
export type CommandPriority = 'normal' | 'bulk';

/** A command waiting in the {@link commandQueue}. @category Operators */
export interface QueuedCommand {
  /** The caller's id for the entry; outputs refer to it. */
  readonly id: number;
  readonly command: ClientCommand;
  /** @defaultValue 'normal' */
  readonly priority?: CommandPriority;
}

/**
 * What the {@link commandQueue} is told:
 *
 * - `enqueue`: queue a command (it may cancel, be cancelled, or be rejected).
 * - `requeue`: put a command that was sent back at the front, after a
 *   `rate_limit_exceeded`; never rejected for size, cancels nothing, and
 *   leaves on the next scheduler turn at the earliest.
 * - `pause`: send nothing for `ms` from now (extends a running pause, never
 *   shortens it). `ms` must be finite and >= 0, else the output errors with a `TypeError`.
 * - `clear`: drop everything queued; each entry comes out as `cancelled` with
 *   reason `'cleared'`.
 *
 * @category Operators
 */
export type QueueInput =
  | { readonly type: 'enqueue'; readonly entry: QueuedCommand }
  | { readonly type: 'requeue'; readonly entry: QueuedCommand }
  | { readonly type: 'pause'; readonly ms: number }
  | { readonly type: 'clear' };

/**
 * What the {@link commandQueue} decides:
 *
 * - `send`: the command may go on the wire now.
 * - `cancelled`: it will not be sent. `'superseded'`: a subscribe and an
 *   unsubscribe of the same topic and room cancelled each other;
 *   `'duplicate'`: the same subscribe is already queued (`duplicateOf` is its
 *   id; it answers for both); `'cleared'`: dropped by a `clear`.
 * - `rejected`: the queue was full; `error` is an {@link AstroError} with code `'queue_full'`.
 *
 * @category Operators
 */
export type QueueOutput =
  | { readonly type: 'send'; readonly entry: QueuedCommand }
  | {
      readonly type: 'cancelled';
      readonly entry: QueuedCommand;
      readonly reason: 'superseded' | 'duplicate' | 'cleared';
      readonly duplicateOf?: number;
    }
  | { readonly type: 'rejected'; readonly entry: QueuedCommand; readonly error: AstroError };

/** Options of {@link commandQueue}. @category Operators */
export interface CommandQueueConfig {
  /**
   * How many commands may leave back to back. Minimum: 1.
   * @defaultValue 100
   */
  burst?: number;
  /**
   * The time to regain one token, in milliseconds.
   * @defaultValue 100
   */
  intervalMs?: number;
  /**
   * How many commands may wait; an `enqueue` beyond that is `rejected`. Minimum: 1.
   * @defaultValue 10000
   */
  maxQueued?: number;
  /**
   * Where the waits run and the clock is read.
   * @defaultValue asyncScheduler
   */
  scheduler?: SchedulerLike;
}

/**
 * The rate-limited command queue of a connection: turns a stream of queue
 * instructions into a stream of decisions (`send`, `cancelled`, `rejected`),
 * pacing the sends with a token bucket.
 *
 * <span class="informal">Astro allows bursts of 100 commands, then one per
 * 100 ms. N commands leave in the least time that allows; subscribe/unsubscribe
 * pairs that cancel out never reach the wire.</span>
 *
 * Each subscription has its own queue and a bucket that is full when it
 * subscribes. Requeued commands leave first (in the order they were
 * requeued), then `'normal'`, then `'bulk'`; each lane is first in, first out.
 * Every decision is emitted synchronously when it is made: a command that
 * finds a token is sent during its `enqueue`, cancellations come out at
 * enqueue time (the one deferral: a requeued command, see below).
 *
 * Matching is by key (topic, room); `room` is `data.room`, `undefined` when
 * absent:
 * - A `subscribe` and an `unsubscribe` of the same key (room given) cancel each
 *   other: the queued one is removed and the new one is dropped, both come out
 *   as `cancelled` `'superseded'`.
 * - A `subscribe` whose key matches a queued `subscribe` comes out as
 *   `cancelled` `'duplicate'` with `duplicateOf`; only the queued one is sent.
 * - An `unsubscribe` without a room (or with room `""`) means every room: it
 *   cancels nothing, and the commands of its topic queued before it are no
 *   longer matched by later ones (so their order around it is kept).
 * - Requeued commands are matched like queued ones, but cancel nothing themselves.
 *
 * After a `rate_limit_exceeded`, send `requeue` and `pause` in the same
 * synchronous turn, in either order: a requeued command leaves on the next
 * scheduler turn at the earliest (not during its `requeue`), so the pause
 * always holds it back. When the input completes, the
 * queue drains (after any pause) and then completes; an input error is passed
 * on at once. Unsubscribing drops the queue and cancels the pending wait.
 * Waits run on `scheduler`.
 *
 * ```text
 * input:   (abc)|             3 enqueues; burst 2, intervalMs 5
 * output:  (AB)-(C|)          A, B, C: send
 *
 * input:   p-s-u-             p: pause; s: enqueue subscribe X/r1; u: enqueue unsubscribe X/r1
 * output:  ----(SU)           S, U: cancelled 'superseded'
 * ```
 *
 * @example Pace commands and hand the sends to a socket
 * ```ts
 * import { commandQueue, subscribeCommand, unsubscribeCommand, encodeCommand, type QueueInput } from 'astro-rx';
 * import { Subject } from 'rxjs';
 * const queue = new Subject<QueueInput>();
 * queue.pipe(commandQueue()).subscribe((out) => {
 *   if (out.type === 'send') socket.send(encodeCommand(out.entry.command));
 *   else console.log(out.type, out.entry.id);
 * });
 * queue.next({ type: 'pause', ms: 5000 });
 * queue.next({ type: 'enqueue', entry: { id: 1, command: subscribeCommand({ topic: 'channel.tips', room: 'abc', token }) } });
 * queue.next({ type: 'enqueue', entry: { id: 2, command: unsubscribeCommand({ topic: 'channel.tips', room: 'abc' }) } });
 * // Output:
 * // cancelled 1
 * // cancelled 2
 * ```
 * @param config Bucket size, refill interval, queue limit and scheduler.
 * @returns An operator from queue instructions to queue decisions.
 * @throws TypeError at creation when an option is out of range.
 * @see {@link rateLimit} for plain pacing of any values.
 * @category Operators
 */
export function commandQueue(config: CommandQueueConfig = {}): OperatorFunction<QueueInput, QueueOutput> {
  const owner = 'commandQueue';
  const { burst = 100, intervalMs = 100, maxQueued = 10000, scheduler = asyncScheduler } = config;
  const bucketConfig: TokenBucketConfig = { burst, intervalMs };
  assertTokenBucketConfig(owner, bucketConfig);
  assertNumber(owner, 'maxQueued', maxQueued, { min: 1, integer: true });
  assertScheduler(owner, 'scheduler', scheduler);

  return (source) =>
    new Observable<QueueOutput>((subscriber) => {
      let bucket = createBucket(burst, scheduler.now());
      const requeued: QueuedCommand[] = [];
      const normal: QueuedCommand[] = [];
      const bulk: QueuedCommand[] = [];
      const lanes = [requeued, normal, bulk] as const;
      // The latest queued command per key that a new command may still cancel or duplicate.
      const matchable = new Map<string, QueuedCommand>();
      let pausedUntil = -Infinity;
      let wake: { readonly at: number; readonly subscription: Subscription } | undefined;
      let inputDone = false;
      let draining = false;

      const queuedCount = (): number => requeued.length + normal.length + bulk.length;
      const emit = (output: QueueOutput): void => subscriber.next(output);

      const forget = (entry: QueuedCommand): void => {
        const key = keyOf(entry.command);
        if (matchable.get(key) === entry) matchable.delete(key);
      };

      const remove = (entry: QueuedCommand): void => {
        for (const lane of lanes) {
          const i = lane.indexOf(entry);
          if (i >= 0) {
            lane.splice(i, 1);
            break;
          }
        }
        forget(entry);
      };

      const cancelWake = (): void => {
        wake?.subscription.unsubscribe();
        wake = undefined;
      };

      const scheduleWake = (at: number, now: number): void => {
        if (wake?.at === at) return;
        cancelWake();
        wake = {
          at,
          subscription: scheduler.schedule(() => {
            wake = undefined;
            drain();
          }, at - now),
        };
      };

      // Sends every command that may leave now; re-entrant calls (from a
      // subscriber reacting to a send) are folded into the running loop.
      const drain = (): void => {
        if (draining) return;
        draining = true;
        try {
          while (!subscriber.closed) {
            const lane = requeued.length > 0 ? requeued : normal.length > 0 ? normal : bulk;
            const next = lane[0];
            if (next === undefined) {
              cancelWake();
              if (inputDone) subscriber.complete();
              return;
            }
            const now = scheduler.now();
            const at = Math.max(pausedUntil, nextTokenAt(bucket, now, bucketConfig));
            if (at > now) {
              scheduleWake(at, now);
              return;
            }
            bucket = take(bucket, now, bucketConfig).bucket;
            lane.shift();
            forget(next);
            emit({ type: 'send', entry: next });
          }
        } finally {
          draining = false;
        }
      };

      const enqueue = (entry: QueuedCommand): void => {
        const { command } = entry;
        const everyRoom = isUnsubscribeAll(command);
        if (!everyRoom) {
          const queued = matchable.get(keyOf(command));
          if (queued !== undefined && queued.command.type !== command.type) {
            remove(queued);
            emit({ type: 'cancelled', entry: queued, reason: 'superseded' });
            emit({ type: 'cancelled', entry, reason: 'superseded' });
            return;
          }
          if (queued !== undefined && command.type === 'subscribe') {
            emit({ type: 'cancelled', entry, reason: 'duplicate', duplicateOf: queued.id });
            return;
          }
        }
        if (queuedCount() >= maxQueued) {
          const error = new AstroError(
            'queue_full',
            `command queue is full (${maxQueued} commands waiting): ${describeCommand(command)} was not queued`,
            commandDetails(command),
          );
          emit({ type: 'rejected', entry, error });
          return;
        }
        (entry.priority === 'bulk' ? bulk : normal).push(entry);
        if (everyRoom) {
          // A barrier: what was queued before it for its topic must keep its place around it.
          for (const [key, queued] of matchable) {
            if (queued.command.data.topic === command.data.topic) matchable.delete(key);
          }
        } else {
          matchable.set(keyOf(command), entry);
        }
        drain();
      };

      const requeue = (entry: QueuedCommand): void => {
        const { command } = entry;
        const key = keyOf(command);
        // Match it later only if nothing queued comes after it in send order for its key or topic.
        const shadowed =
          isUnsubscribeAll(command) ||
          matchable.has(key) ||
          lanes.some((lane) => lane.some((e) => isUnsubscribeAll(e.command) && e.command.data.topic === command.data.topic));
        requeued.push(entry);
        if (!shadowed) matchable.set(key, entry);
        // Not drain(): the requeued command leaves on the next scheduler turn at
        // the earliest, so that a pause sent right after it still holds it back.
        // A running wake (the queue is waiting) already covers it.
        if (wake === undefined) {
          const now = scheduler.now();
          scheduleWake(now, now);
        }
      };

      const clear = (): void => {
        const dropped = lanes.flatMap((lane) => lane.splice(0, lane.length));
        matchable.clear();
        for (const entry of dropped) emit({ type: 'cancelled', entry, reason: 'cleared' });
        drain();
      };

      const pause = (ms: number): void => {
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
          subscriber.error(new TypeError(`${owner}: pause ms must be a finite number >= 0, got ${describeValue(ms)}`));
          return;
        }
        pausedUntil = Math.max(pausedUntil, scheduler.now() + ms);
        drain();
      };

      const upstream = source.subscribe({
        next: (input) => {
          switch (input.type) {
            case 'enqueue':
              return enqueue(input.entry);
            case 'requeue':
              return requeue(input.entry);
            case 'pause':
              return pause(input.ms);
            case 'clear':
              return clear();
            default:
              return subscriber.error(new TypeError(`${owner}: unknown input ${describeValue(input)}`));
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          inputDone = true;
          drain();
        },
      });

      return () => {
        upstream.unsubscribe();
        cancelWake();
      };
    });
}

function isUnsubscribeAll(command: ClientCommand): boolean {
  return command.type === 'unsubscribe' && (command.data.room === undefined || command.data.room === '');
}

function keyOf(command: ClientCommand): string {
  return JSON.stringify([command.data.topic, command.data.room ?? null]);
}
