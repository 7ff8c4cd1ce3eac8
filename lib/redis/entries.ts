/**
 * What the bridge appends to a topic's stream, and how an entry is written as
 * stream fields and read back. Pure: no Redis here.
 */
import type { TopicMessage } from '../client/types';
import type { TopicName } from '../protocol/topics';
import { hash32 } from './rendezvous';

/**
 * A gap marker: events of `topic` in `room` between `from` and `to` (ms since the
 * epoch) may be missing from the stream. `cause` is the client's gap cause,
 * `lease_takeover` (a worker crashed) or `buffer_overflow` (Redis was away too long).
 * @category Redis
 */
export interface RedisGapMarker {
  readonly type: 'gap';
  readonly topic: string;
  readonly room: string;
  readonly from: number;
  readonly to: number;
  readonly cause: string;
}

/** An event as a consumer reads it: a topic's message (typed like `topic()`), tagged `message`. @category Redis */
export type RedisMessage<T extends string = TopicName> = TopicMessage<T> & { readonly type: 'message' };

/** One entry of a bridged stream. @category Redis */
export type RedisStreamEvent<T extends string = TopicName> = RedisMessage<T> | RedisGapMarker;

/** An entry waiting to be appended, with the time it was taken in (for gap markers). */
export type PendingEntry =
  | { readonly kind: 'message'; readonly eventId: string; readonly message: TopicMessage<string>; readonly at: number }
  | { readonly kind: 'gap'; readonly eventId: string; readonly gap: RedisGapMarker; readonly at: number };

/** The dedupe id of a message: the gateway's id, else a hash of its content. */
export function eventIdOf(message: TopicMessage<string>): string {
  if (typeof message.id === 'string' && message.id !== '') return message.id;
  return `h${hash32(JSON.stringify([message.topic, message.room, message.ts ?? '', message.data])).toString(36)}`;
}

export const messageEntry = (message: TopicMessage<string>, at: number): PendingEntry => ({ kind: 'message', eventId: eventIdOf(message), message, at });

export const gapEntry = (gap: RedisGapMarker, at: number): PendingEntry => ({
  kind: 'gap',
  eventId: `gap:${hash32(JSON.stringify([gap.room, gap.from, gap.to, gap.cause])).toString(36)}:${gap.from}`,
  gap,
  at,
});

/** The topic an entry is appended to. */
export const topicOf = (e: PendingEntry): string => (e.kind === 'message' ? e.message.topic : e.gap.topic);

/** An entry as XADD field/value pairs. */
export function toFields(e: PendingEntry): string[] {
  if (e.kind === 'gap') {
    const g = e.gap;
    return ['type', 'gap', 'topic', g.topic, 'room', g.room, 'from', String(g.from), 'to', String(g.to), 'cause', g.cause];
  }
  const m = e.message;
  return ['type', 'message', 'id', e.eventId, 'topic', m.topic, 'room', m.room, ...(m.ts !== undefined ? ['ts', m.ts] : []), 'data', JSON.stringify(m.data ?? null)];
}

/** Reads XREADGROUP's flat field list back; `undefined` for an entry the bridge did not write. */
export function fromFields(fields: readonly string[]): RedisStreamEvent<string> | undefined {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const topic = f.get('topic');
  const room = f.get('room');
  if (topic === undefined || room === undefined) return undefined;
  if (f.get('type') === 'gap') {
    const from = Number(f.get('from'));
    const to = Number(f.get('to'));
    if (!Number.isFinite(from) || !Number.isFinite(to)) return undefined;
    return { type: 'gap', topic, room, from, to, cause: f.get('cause') ?? 'unknown' };
  }
  if (f.get('type') !== 'message') return undefined;
  let data: unknown;
  try {
    data = JSON.parse(f.get('data') ?? 'null');
  } catch {
    return undefined;
  }
  const id = f.get('id');
  const ts = f.get('ts');
  return { type: 'message', topic, room, data, ...(id !== undefined ? { id } : {}), ...(ts !== undefined ? { ts } : {}) } as RedisMessage<string>;
}
