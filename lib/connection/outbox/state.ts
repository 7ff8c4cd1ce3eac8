import type { AstroError } from '../../errors/astroError';
import type { TokenBucket, TokenBucketConfig } from '../../policies/tokenBucket';
import type { ResolvedBackoffConfig } from '../../policies/backoffDelay';
import { SlotMap } from '../subscriptionKey';
import { Lane } from './lanes';
import type { Some } from '../../util/some';

/**
 * One subscription the user wants: (topic, canonical room, token) — its slot's
 * topic and room, and `tokenRef` — held by the client's entries `refs`.
 *
 * @internal
 */
export interface Want {
  slot: Slot;
  readonly tokenRef: number;
  /**
   * The client entries that want it (almost always one): opaque identities of the
   * caller's. `undefined`: no longer wanted, kept while the gateway holds it, so
   * that wanting it again before its unsubscribe leaves cancels both.
   */
  refs: Some<unknown> | undefined;
  /** The gateway answered this token's subscribe with success in this session. */
  confirmed: boolean;
}

/** A command on the wire, waiting for its answer. @internal */
export interface Inflight {
  readonly nonce: string;
  readonly kind: 'subscribe' | 'unsubscribe';
  readonly slot: Slot;
  /** The token a subscribe was sent with. */
  readonly tokenRef?: number;
  /** The room the command carried (`undefined`: every room of the topic). */
  readonly room: string | undefined;
  readonly sentAt: number;
  readonly deadline: number;
}

/**
 * The gateway's subscription (topic, room), as this connection believes it:
 * `held` is what the gateway holds (`'unknown'` after a command crossed a
 * handover or went unanswered), `wants` the user's subscriptions that map to it.
 *
 * @internal
 */
export interface Slot {
  readonly topic: string;
  readonly room: string;
  held: boolean | 'unknown';
  /** The gateway named another room for this one: it is never held under this name. */
  alias: boolean;
  /** The gateway confirmed this very room once: it is canonical. */
  canonical: boolean;
  /** The user's subscriptions in this slot, one per token (almost always one). */
  wants: Some<Want> | undefined;
  inflight: Inflight | undefined;
  /** Since when the slot waits in a lane (for the queue-wait metric). */
  queuedAt: number | undefined;
  /** Failed attempts in a row (timeouts, retryable errors), for backoff. */
  attempts: number;
  /** Not before this time (a retry's backoff). */
  retryAt: number | undefined;
}

/** Configuration of the outbox machine. @internal */
export interface OutboxConfig {
  readonly bucket: TokenBucketConfig;
  readonly requestTimeoutMs: number;
  /** How long to send nothing after a `rate_limit_exceeded`. */
  readonly rateLimitPauseMs: number;
  /** How many failed attempts (timeouts, retryable errors) a subscription survives. */
  readonly maxAttempts: number;
  readonly backoff: ResolvedBackoffConfig;
  /** The nonce of the `seq`-th command. */
  readonly nonce: (seq: number) => string;
}

/**
 * The outbox: the user's intents, what the gateway holds, the commands in flight
 * and the bucket that paces them. The state is owned by the machine and updated
 * in place (O(1) per input at 10 000 rooms); nothing else holds a reference to it.
 *
 * @internal
 */
export interface OutboxState {
  readonly slots: SlotMap<Slot>;
  /** (topic, requested room, token) → canonical room, as the gateway answered. */
  readonly aliases: Map<string, string>;
  readonly byNonce: Map<string, Inflight>;
  /** Commands given up on (rate limit, timeout) whose answer may still come. */
  readonly stale: Map<string, Inflight>;
  /** User commands first, then bulk re-subscribes. */
  readonly normal: Lane<Slot>;
  readonly bulk: Lane<Slot>;
  /** Slots waiting for a command of their topic to be answered (an unsubscribe of every room). */
  readonly blocked: Set<Slot>;
  /** Slots waiting for their backoff (`retryAt`). */
  readonly retrying: Set<Slot>;
  /** Topics with an unsubscribe of every room in flight. */
  readonly topicLocks: Set<string>;
  /** Whether commands may leave: a welcomed session, not crossing a handover. */
  ready: boolean;
  /**
   * Between a `reconnect` frame and the next session: slots whose commands crossed it,
   * `'inflight'` (sent before it, unanswered) or `'changed'` (a success answered after it).
   */
  crossing?: Map<Slot, 'inflight' | 'changed'>;
  pausedUntil: number;
  bucket: TokenBucket;
  seq: number;
}

/** What the outbox is told. `ref` is the client's entry id. @internal */
export type OutboxInput =
  | { readonly type: 'want'; readonly ref: unknown; readonly topic: string; readonly room: string; readonly tokenRef: number }
  | { readonly type: 'unwant'; readonly ref: unknown; readonly topic: string; readonly room: string; readonly tokenRef: number }
  | { readonly type: 'session'; readonly restored: boolean }
  | { readonly type: 'crossing' }
  | { readonly type: 'down' }
  | { readonly type: 'response'; readonly nonce: string | undefined; readonly error: string | undefined; readonly room: string | undefined; readonly message: string | undefined }
  | { readonly type: 'tick' };

/** What the outbox decides. @internal */
export type OutboxOutput =
  | {
      readonly type: 'send';
      readonly nonce: string;
      readonly kind: 'subscribe' | 'unsubscribe';
      readonly topic: string;
      readonly room: string | undefined;
      readonly tokenRef?: number;
    }
  /** The gateway holds the subscription for these entries, in canonical `room`. */
  | { readonly type: 'subscribed'; readonly refs: readonly unknown[]; readonly topic: string; readonly room: string }
  /** The subscription of these entries failed for good. */
  | { readonly type: 'failed'; readonly refs: readonly unknown[]; readonly error: AstroError }
  /** These entries' subscription was lost in this session (events may be missing until `subscribed`). */
  | { readonly type: 'lost'; readonly refs: readonly unknown[] }
  | { readonly type: 'rate_limited' }
  /** A command was answered `latencyMs` after it was sent. */
  | { readonly type: 'answered'; readonly latencyMs: number }
  /** A command left the queue after waiting `queuedMs`. */
  | { readonly type: 'sent'; readonly queuedMs: number }
  | { readonly type: 'unmatched'; readonly nonce: string | undefined; readonly error: string | undefined };

/** A new, empty outbox at `now` with a full bucket. @internal */
export function createOutbox(config: OutboxConfig, now: number): OutboxState {
  return {
    slots: new SlotMap(),
    aliases: new Map(),
    byNonce: new Map(),
    stale: new Map(),
    normal: new Lane(),
    bulk: new Lane(),
    blocked: new Set(),
    retrying: new Set(),
    topicLocks: new Set(),
    ready: false,
    // Stryker disable next-line UnaryOperator: the first session is always fresh, and a fresh session ends any pause
    pausedUntil: -Infinity,
    // Stryker disable next-line ObjectLiteral: the first session is always fresh, and a fresh session fills the bucket
    bucket: { tokens: config.bucket.burst, updatedAt: now },
    seq: 0,
  };
}
