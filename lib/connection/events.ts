import type { AstroError } from '../errors/astroError';
import type { DecodeFailure } from '../protocol/decodeFailure';
import type { ServerFrame } from '../protocol/frames';
import type { DisconnectCause } from './disconnectCause';

/**
 * What the user wants of the connection: `ref` (an identity of the caller's
 * choosing, e.g. its own record) wants (topic, room) with the token the caller
 * knows as `tokenRef`; or no longer wants it. The connection
 * keeps the gateway in line with the latest intents.
 *
 * @category Connection
 */
export type Intent =
  | { readonly type: 'want'; readonly ref: unknown; readonly topic: string; readonly room: string; readonly tokenRef: number }
  | { readonly type: 'unwant'; readonly ref: unknown; readonly topic: string; readonly room: string; readonly tokenRef: number };

/**
 * What a connection reports: the gateway's frames (messages go to `onMessage`),
 * the outcome of intents, and the connection's own life.
 *
 * @category Connection
 */
export type ConnectionEvent =
  /** A fresh socket is being opened (`attempt` 0 first, then counting failures). */
  | { readonly type: 'connecting'; readonly attempt: number }
  /**
   * A session began. `restored`: a token handover, and the gateway restored the
   * subscriptions. `gapFrom`: events since then may be missing (a socket was lost).
   */
  | { readonly type: 'welcome'; readonly clientId: string; readonly restored: boolean; readonly gapFrom?: number }
  /** A decoded frame other than a message. */
  | { readonly type: 'frame'; readonly frame: ServerFrame }
  /** The gateway holds these entries' subscription, in the canonical `room`. */
  | { readonly type: 'subscribed'; readonly refs: readonly unknown[]; readonly topic: string; readonly room: string }
  /** These entries' subscription failed for good. */
  | { readonly type: 'failed'; readonly refs: readonly unknown[]; readonly error: AstroError }
  /** These entries' subscription was lost within the session; it is being restored. */
  | { readonly type: 'lost'; readonly refs: readonly unknown[] }
  /** A socket still delivering after a refused handover closed: events since `at` may be missing. */
  | { readonly type: 'loss'; readonly at: number }
  | { readonly type: 'handover'; readonly phase: 'started' | 'completed' | 'failed' }
  /** The session's socket was lost. */
  | { readonly type: 'disconnected'; readonly cause: DisconnectCause; readonly error: AstroError; readonly lastFrameAt?: number }
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly retryInMs: number }
  | { readonly type: 'decode_failure'; readonly failure: DecodeFailure }
  | { readonly type: 'rate_limited' }
  | { readonly type: 'duplicate_dropped'; readonly id: string }
  /** A command was answered `latencyMs` after it was sent. */
  | { readonly type: 'answered'; readonly latencyMs: number }
  /** A command left after waiting `queuedMs` in the queue. */
  | { readonly type: 'sent'; readonly queuedMs: number }
  /** Commands waiting to leave (not those in flight). */
  | { readonly type: 'queue'; readonly depth: number };
