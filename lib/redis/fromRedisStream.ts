/**
 * A consumer of a bridged stream (a Node-only I/O edge): a consumer group read
 * with XREADGROUP … BLOCK on a connection of its own, at most `maxInFlight`
 * entries unacknowledged, and XAUTOCLAIM to take over what a dead consumer of
 * the group left pending.
 */
import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import type { TopicName } from '../protocol/topics';
import { AstroError } from '../errors/astroError';
import { duplicate, type RedisLike } from './connection';
import { fromFields, type RedisStreamEvent } from './entries';
import { redisKeys } from './keys';

/** Options of {@link fromRedisStream}. @category Redis */
export interface RedisStreamOptions<T extends string = TopicName> {
  /** An ioredis client: acks and claims go through it; the blocking reads through a duplicate. */
  readonly redis: RedisLike;
  readonly topic: T;
  /** The consumer group; created (with the stream, MKSTREAM) when missing. */
  readonly group: string;
  /** This consumer's name in the group; a restarted consumer with the same name gets its pending entries again. */
  readonly consumer: string;
  /** Entries left unacknowledged this long by any consumer of the group are claimed (XAUTOCLAIM). @defaultValue 30000 */
  readonly claimIdleMs?: number;
  /** The most entries delivered and not yet acked; the next read waits below it. @defaultValue 100 */
  readonly maxInFlight?: number;
  /** How long one XREADGROUP blocks. @defaultValue 5000 */
  readonly blockMs?: number;
  /** Where a new group starts: `'0'` the whole stream, `'$'` new entries only. @defaultValue '0' */
  readonly startId?: string;
  /** The bridge's key prefix. @defaultValue 'astro' */
  readonly prefix?: string;
  /** The clock for claim intervals. @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
}

/** One delivered entry. `ack()` acknowledges it (once; later calls return the same answer). @category Redis */
export interface RedisStreamItem<T extends string = TopicName> {
  readonly event: RedisStreamEvent<T>;
  /** The entry's id in the stream. */
  readonly streamId: string;
  /** Resolves with whether this call acknowledged it (false: it had been acked, e.g. after a claim by another consumer). */
  ack(): Promise<boolean>;
}

type Entry = [id: string, fields: string[]];

/**
 * A cold Observable of a bridged topic's stream, read as `consumer` of `group`.
 * Gap markers come as `{ event: { type: 'gap', … } }`. An entry the bridge did
 * not write is not dropped: it comes as a gap marker with cause
 * `unreadable_entry` (its room empty), to be acked like any other.
 * Delivery is at least once: an entry claimed from a consumer that died after
 * handling it but before acking comes again.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { concatMap } from 'rxjs';
 * import { fromRedisStream } from 'astro-rx/redis';
 * fromRedisStream({ redis: new Redis(), topic: 'channel.tips', group: 'billing', consumer: 'b1' })
 *   .pipe(concatMap(async ({ event, ack }) => { if (event.type === 'message') await book(event.data); await ack(); }))
 *   .subscribe();
 * ```
 * @category Redis
 */
export function fromRedisStream<T extends string = TopicName>(options: RedisStreamOptions<T>): Observable<RedisStreamItem<T>> {
  const { redis, topic, group, consumer, claimIdleMs = 30_000, maxInFlight = 100, blockMs = 5000, startId = '0', prefix = 'astro', scheduler = asyncScheduler } = options;
  for (const [name, value] of [['claimIdleMs', claimIdleMs], ['maxInFlight', maxInFlight], ['blockMs', blockMs]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new AstroError('invalid_argument', `fromRedisStream: ${name} must be a positive integer, got ${String(value)}`);
  }
  if (!group || !consumer) throw new AstroError('invalid_argument', 'fromRedisStream: group and consumer must be non-empty');
  const stream = redisKeys(prefix).stream(topic);
  return new Observable<RedisStreamItem<T>>((subscriber) => {
    const reader = duplicate(redis, { maxRetriesPerRequest: null });
    const inFlight = new Set<string>();
    let closed = false;
    let wake: () => void = () => undefined;
    const item = (id: string, fields: string[]): RedisStreamItem<T> => {
      let acked: Promise<boolean> | undefined;
      const event = (fromFields(fields) ?? { type: 'gap', topic, room: '', from: 0, to: 0, cause: 'unreadable_entry' }) as RedisStreamEvent<T>;
      return {
        event,
        streamId: id,
        ack: () =>
          (acked ??= redis.xack(stream, group, id).then(
            (n) => n === 1,
            (e: unknown) => {
              acked = undefined;
              throw e;
            },
          ).finally(() => {
            inFlight.delete(id);
            wake();
          })),
      };
    };
    const deliver = (entries: ReadonlyArray<Entry | null>) => {
      for (const entry of entries) {
        if (closed || !entry || inFlight.has(entry[0])) continue;
        inFlight.add(entry[0]);
        subscriber.next(item(entry[0], entry[1]));
      }
    };
    const roomLeft = () => maxInFlight - inFlight.size;
    const waitForRoom = () => new Promise<void>((resolve) => (roomLeft() > 0 || closed ? resolve() : (wake = () => roomLeft() > 0 && resolve())));
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const ensureGroup = async () => {
      try {
        await redis.xgroup('CREATE', stream, group, startId, 'MKSTREAM');
      } catch (e) {
        if (!String((e as Error).message).includes('BUSYGROUP')) throw e;
      }
    };
    const loop = async () => {
      let cursor = '0-0';
      let lastClaim = -Infinity;
      let ready = false;
      while (!closed) {
        try {
          if (!ready) {
            await ensureGroup();
            // this consumer's own pending entries first (a restart with the same name)
            deliver(readEntries(await reader.xreadgroup('GROUP', group, consumer, 'COUNT', maxInFlight, 'STREAMS', stream, '0')));
            ready = true;
          }
          await waitForRoom();
          if (closed) break;
          if (scheduler.now() - lastClaim >= claimIdleMs / 2) {
            const [next, claimed] = (await redis.xautoclaim(stream, group, consumer, claimIdleMs, cursor, 'COUNT', roomLeft())) as [string, Array<Entry | null>];
            cursor = next;
            if (next === '0-0') lastClaim = scheduler.now();
            deliver(claimed);
            if (roomLeft() <= 0) continue;
          }
          const read = await reader.xreadgroup('GROUP', group, consumer, 'COUNT', roomLeft(), 'BLOCK', blockMs, 'STREAMS', stream, '>');
          deliver(readEntries(read));
        } catch (e) {
          if (closed) break;
          // NOGROUP: the stream went away (a Redis restart without persistence): create it again
          if (String((e as Error).message).includes('NOGROUP')) ready = false;
          await pause(Math.min(1000, blockMs));
        }
      }
    };
    void loop();
    return () => {
      closed = true;
      wake();
      reader.disconnect();
    };
  });
}

function readEntries(result: unknown): Entry[] {
  if (!Array.isArray(result)) return [];
  const [first] = result as Array<[string, Entry[]]>;
  return first?.[1] ?? [];
}
