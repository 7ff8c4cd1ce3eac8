import type { Observable } from 'rxjs';
import type { AstroClientOptions, ClientMetrics, ConnectionState } from '../client/types';
import type { RedisLike } from './connection';
import type { TokenFor } from './subscriptions';

/**
 * Options of {@link startBridge}. Every other option is passed to the worker's
 * `createAstroClient` (`url`, `rateLimit`, `logger`, `connections` …); a
 * `token` is not taken: tokens come from `tokenFor`.
 * @category Redis
 */
export interface BridgeOptions extends Omit<AstroClientOptions, 'token'> {
  /** An ioredis client (standalone or Cluster). The bridge works on duplicates of it and leaves it open. */
  readonly redis: RedisLike;
  /** Resolves a token reference of the desired set to a token. Tokens never go to Redis. */
  readonly tokenFor: TokenFor;
  /** This worker's id, unique among the live workers. @defaultValue `<hostname>-<pid>` */
  readonly workerId?: string;
  /** How long a lease (and a worker's heartbeat) lasts without renewal; a crashed worker's keys move after it. @defaultValue 10000 */
  readonly leaseMs?: number;
  /** The approximate length streams are capped at (`XADD … MAXLEN ~`). @defaultValue 100000 */
  readonly maxLen?: number;
  /** The most events held in memory while Redis is away; past it the oldest are dropped for a gap marker. @defaultValue 10000 */
  readonly bufferSize?: number;
  /** How long an event id is remembered, so that a second append of it is skipped. @defaultValue 600000 */
  readonly dedupeWindowMs?: number;
  /** The prefix of every Redis key. @defaultValue `'astro'` */
  readonly prefix?: string;
  /** How long `stop()` waits for the next owners of this worker's keys before it releases them anyway. @defaultValue `2 × leaseMs` */
  readonly stopTimeoutMs?: number;
  /** Tells this incarnation's leases from an earlier one's with the same worker id. @defaultValue random */
  readonly instanceId?: string;
}

/** A worker's status, replayed to late subscribers. @category Redis */
export interface BridgeState {
  readonly status: 'running' | 'stopping' | 'stopped';
  readonly workerId: string;
  /** Keys whose lease this worker holds. */
  readonly owned: number;
  /** Keys this worker is subscribed to (owned, or taking over). */
  readonly subscribed: number;
  /** Whether the last read or write of Redis succeeded. */
  readonly redis: 'up' | 'down';
  /** Entries waiting for Redis. */
  readonly buffered: number;
  /** The gateway connection's status. */
  readonly connection: ConnectionState['status'];
}

/** A worker's counters, cumulative since it started. @category Redis */
export interface BridgeMetrics {
  readonly appended: number;
  /** Appends skipped because the event id was in the dedupe window (another owner had appended it). */
  readonly duplicates: number;
  readonly gapMarkers: number;
  /** Entries dropped from a full buffer. */
  readonly dropped: number;
  readonly writeFailures: number;
  readonly viewFailures: number;
  readonly subscribeFailures: number;
  readonly takeovers: number;
  readonly handovers: number;
  readonly client?: ClientMetrics;
}

/** A running worker. @category Redis */
export interface Bridge {
  /** Hands this worker's keys over (make-before-break), flushes the buffer, closes. Never rejects. */
  stop(): Promise<void>;
  readonly state$: Observable<BridgeState>;
  readonly metrics$: Observable<BridgeMetrics>;
}
