/**
 * The Redis key layout of the bridge. Every key of one topic carries the topic as
 * its hash tag (`astro:{channel.tips}:…`), so one topic's stream, leases and
 * dedupe markers live on one Redis Cluster slot and one Lua script may touch them.
 */

/** One desired subscription: a topic in a room, with the reference of its token (never the token). @category Redis */
export interface DesiredKey {
  readonly topic: string;
  readonly room: string;
  /** A reference each worker resolves with its own `tokenFor(ref)`. */
  readonly ref: string;
}

/** The id of a desired key, as stored in the desired set: `["topic","room","ref"]`. */
export const keyId = (k: DesiredKey): string => JSON.stringify([k.topic, k.room, k.ref]);

/** Parses a desired-set member; `undefined` for anything else (it is skipped, not fatal). */
export function parseKeyId(member: string): DesiredKey | undefined {
  try {
    const v: unknown = JSON.parse(member);
    if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string') && v[0] !== '') {
      return { topic: v[0] as string, room: v[1] as string, ref: v[2] as string };
    }
  } catch {
    // not JSON: not ours
  }
  return undefined;
}

const part = (s: string) => encodeURIComponent(s);

/** The names of every key the bridge uses under `prefix` (see docs/redis-bridge.md). @category Redis */
export function redisKeys(prefix: string) {
  const tag = (topic: string) => `${prefix}:{${topic}}`;
  const perKey = (k: DesiredKey, what: string) => `${tag(k.topic)}:${what}:${part(k.room)}:${part(k.ref)}`;
  return {
    /** SET of key ids (`["topic","room","ref"]`): what should be subscribed. */
    desired: `${prefix}:desired`,
    /** ZSET of live workers' lease values (`workerId/instance`), scored by when their heartbeat expires (ms). */
    workers: `${prefix}:workers`,
    /** One stream per topic. */
    stream: (topic: string) => `${tag(topic)}:stream`,
    /** `SET NX PX` per event id: the dedupe window. */
    seen: (topic: string, eventId: string) => `${tag(topic)}:seen:${eventId}`,
    /** The lease: the owning worker's id, expiring after `leaseMs`. */
    lease: (k: DesiredKey) => perKey(k, 'lease'),
    /** `holder|lastRenewMs` of the last lease holder; survives a crash, deleted on a clean handover. */
    held: (k: DesiredKey) => perKey(k, 'held'),
    /** The would-be owner that has subscribed and waits for the lease (make-before-break). */
    ready: (k: DesiredKey) => perKey(k, 'ready'),
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
