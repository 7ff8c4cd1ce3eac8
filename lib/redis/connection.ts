/**
 * The Redis connections of the bridge (a Node-only I/O edge): duplicates of the
 * caller's connection that fail fast while Redis is away (no offline queue), so
 * that the bridge's own buffer, not ioredis's, holds what waits.
 */
import type { Cluster, Redis } from 'ioredis';
import { SCRIPTS, type ScriptName } from './scripts';

/** A standalone ioredis client or a Cluster client. @category Redis */
export type RedisLike = Redis | Cluster;

/** A script call: keys count first (as ioredis's `defineCommand` expects), on a connection or a pipeline. */
export type ScriptCall = (...args: Array<string | number>) => Promise<unknown>;

export function isCluster(redis: RedisLike): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

/** Options a `Cluster` takes per node, in `redisOptions`, not at its top level. */
const NODE_OPTIONS: ReadonlySet<string> = new Set(['maxRetriesPerRequest']);

/** `override` as a `Cluster` takes it: per-node options merged into its `redisOptions`. */
function clusterOverride(cluster: Cluster, override: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(override);
  const node = entries.filter(([k]) => NODE_OPTIONS.has(k));
  const top = Object.fromEntries(entries.filter(([k]) => !NODE_OPTIONS.has(k)));
  return node.length === 0 ? top : { ...top, redisOptions: { ...cluster.options.redisOptions, ...Object.fromEntries(node) } };
}

/** A duplicate of `redis` with `override`; it never emits an unhandled `error` event. */
export function duplicate(redis: RedisLike, override: Record<string, unknown>): RedisLike {
  const conn = isCluster(redis) ? redis.duplicate(undefined, clusterOverride(redis, override)) : redis.duplicate(override);
  conn.on('error', () => {
    // reported through the calls that fail; ioredis reconnects by itself
  });
  return conn;
}

/** A fail-fast duplicate with the bridge's scripts defined (EVALSHA, EVAL on NOSCRIPT). */
export function bridgeConnection(redis: RedisLike): RedisLike {
  const conn = duplicate(redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true });
  for (const [name, lua] of Object.entries(SCRIPTS)) conn.defineCommand(name, { numberOfKeys: 2, lua });
  return conn;
}

/** A script of {@link bridgeConnection} (or of a pipeline made from it). */
export function script(target: object, name: ScriptName): ScriptCall {
  const fn = (target as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new TypeError(`${name} is not defined on this connection`);
  return (...args) => (fn as ScriptCall).apply(target, args);
}

/** Settles within `ms`: rejects when the call takes longer (the bridge then retries; appends are idempotent). */
export function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
