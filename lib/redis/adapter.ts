/**
 * The bridge's Redis I/O (a Node-only edge, Promises allowed): one read of the
 * shared state per tick, the lease operations, and the appends. No decisions
 * here; the machines in `ownership.ts` and `buffer.ts` make them.
 */
import { keyId, parseKeyId, type DesiredKey, type RedisKeys } from './keys';
import type { LeaseOp, LeaseView, OwnershipInput, OwnershipView } from './ownership';
import { topicOf, toFields, type PendingEntry } from './entries';
import { script, within, type RedisLike } from './connection';

export interface AdapterConfig {
  readonly keys: RedisKeys;
  readonly workerId: string;
  readonly holder: string;
  readonly leaseMs: number;
  /** How long a worker stays live after its last heartbeat. */
  readonly heartbeatTtlMs: number;
  /** How long a `held` record outlives its lease. */
  readonly heldTtlMs: number;
  readonly dedupeWindowMs: number;
  readonly maxLen: number;
  /** The most a call may take before it counts as failed. */
  readonly timeoutMs: number;
}

/** What a batch of appends did. */
export interface WriteResult {
  readonly added: number;
  readonly duplicates: number;
}

export interface BridgeAdapter {
  /** Heartbeat (or, when leaving, deregistration), then the live workers, the desired set and its leases. */
  readView(now: number, leaving: boolean): Promise<OwnershipView>;
  /** One lease operation; its result as a machine input (`undefined`: nothing to report). */
  lease(op: LeaseOp | 'release', key: DesiredKey, now: number, handedOver?: boolean): Promise<OwnershipInput | undefined>;
  /** Appends in order (each once per event id). */
  write(entries: readonly PendingEntry[]): Promise<WriteResult>;
}

export function bridgeAdapter(conn: RedisLike, c: AdapterConfig): BridgeAdapter {
  return {
    readView: (now, leaving) => within(readView(conn, c, now, leaving), c.timeoutMs),
    lease: (op, key, now, handedOver) => within(lease(conn, c, op, key, now, handedOver ?? false), c.timeoutMs),
    write: (entries) => within(write(conn, c, entries), c.timeoutMs),
  };
}

async function readView(conn: RedisLike, c: AdapterConfig, now: number, leaving: boolean): Promise<OwnershipView> {
  const { keys } = c;
  await (leaving ? conn.zrem(keys.workers, c.holder) : conn.zadd(keys.workers, now + c.heartbeatTtlMs, c.holder));
  const [holders, members] = await Promise.all([conn.zrangebyscore(keys.workers, now, '+inf'), conn.smembers(keys.desired)]);
  // expired workers are pruned by whoever reads (a worker's score is when its heartbeat expires)
  void conn.zremrangebyscore(keys.workers, '-inf', now - c.heartbeatTtlMs).catch(() => undefined);
  const desired = members.map(parseKeyId).filter((k): k is DesiredKey => k !== undefined);
  const reads = desired.map(async (k): Promise<[string, LeaseView]> => {
    const [holder, ready] = await Promise.all([conn.get(keys.lease(k)), conn.get(keys.ready(k))]);
    return [keyId(k), { ...(holder !== null ? { holder } : {}), ...(ready !== null ? { ready } : {}) }];
  });
  return { holders, desired, leases: new Map(await Promise.all(reads)) };
}

async function lease(conn: RedisLike, c: AdapterConfig, op: LeaseOp | 'release', key: DesiredKey, now: number, handedOver: boolean): Promise<OwnershipInput | undefined> {
  const id = keyId(key);
  const lk = c.keys.lease(key);
  const hk = c.keys.held(key);
  switch (op) {
    case 'markReady':
      await conn.set(c.keys.ready(key), c.workerId, 'PX', c.leaseMs);
      return undefined;
    case 'renew': {
      const ok = await script(conn, 'astroRenew')(lk, hk, c.holder, c.leaseMs, now, c.heldTtlMs);
      return ok === 1 ? undefined : { type: 'leaseLost', id };
    }
    case 'release':
      await script(conn, 'astroRelease')(lk, hk, c.holder, handedOver ? '1' : '0', now, c.heldTtlMs);
      return undefined;
    case 'acquire': {
      const r = (await script(conn, 'astroAcquire')(lk, hk, c.holder, c.leaseMs, now, c.heldTtlMs)) as [number, string?];
      if (r[0] !== 1) return { type: 'leaseLost', id };
      const previous = parseHeld(r[1]);
      return { type: 'acquired', id, ...(previous ? { previous } : {}) };
    }
  }
}

/** `holder|lastRenewMs` → its parts. */
function parseHeld(raw: string | undefined): { holder: string; lastRenew: number } | undefined {
  if (raw === undefined) return undefined;
  const i = raw.lastIndexOf('|');
  const lastRenew = Number(raw.slice(i + 1));
  return i > 0 && Number.isFinite(lastRenew) ? { holder: raw.slice(0, i), lastRenew } : undefined;
}

async function write(conn: RedisLike, c: AdapterConfig, entries: readonly PendingEntry[]): Promise<WriteResult> {
  // one pipeline per batch keeps the order; its calls share a slot per topic on a Cluster
  const results = await Promise.all(
    entries.map((e) => {
      const topic = topicOf(e);
      return script(conn, 'astroAppend')(c.keys.seen(topic, e.eventId), c.keys.stream(topic), c.dedupeWindowMs, c.maxLen, ...toFields(e));
    }),
  );
  const added = results.filter((r) => r !== null).length;
  return { added, duplicates: results.length - added };
}
