import type { ConnectionEvent } from '../connection/events';
import type { ClientMetrics } from './types';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? { -readonly [P in keyof T[K]]: T[K][P] } : T[K] };

/** Counters being updated. @internal */
export type MetricsState = Mutable<ClientMetrics>;

/** @internal */
export function createMetrics(): MetricsState {
  return {
    connects: 0,
    reconnects: { handover: 0, closed: 0, error: 0, refused: 0, heartbeat: 0, handover_failed: 0, wakeup: 0 },
    gaps: 0,
    commandsSent: 0,
    commandsFailed: 0,
    rateLimited: 0,
    commandLatencyMs: { last: 0, max: 0 },
    queue: { depth: 0, maxWaitMs: 0 },
    duplicatesDropped: 0,
    decodeFailures: 0,
    messages: 0,
    activeSubscriptions: 0,
  };
}

/**
 * The counters as a reducer over connection events. Returns whether anything a
 * graph would show changed (messages and duplicates are counted silently, so the
 * hot path publishes nothing).
 *
 * @internal
 */
export function countEvent(m: MetricsState, e: ConnectionEvent): boolean {
  switch (e.type) {
    case 'welcome':
      m.connects++;
      if (e.restored) m.reconnects.handover++;
      return true;
    case 'disconnected':
      m.reconnects[e.cause]++;
      return true;
    case 'handover':
      if (e.phase !== 'failed') return false;
      m.reconnects.handover_failed++;
      return true;
    case 'failed':
      m.commandsFailed++;
      return true;
    case 'rate_limited':
      m.rateLimited++;
      return true;
    case 'decode_failure':
      m.decodeFailures++;
      return true;
    case 'duplicate_dropped':
      m.duplicatesDropped++;
      return false;
    case 'sent':
      m.commandsSent++;
      m.queue.maxWaitMs = Math.max(m.queue.maxWaitMs, e.queuedMs);
      return false;
    case 'answered':
      m.commandLatencyMs.last = e.latencyMs;
      m.commandLatencyMs.max = Math.max(m.commandLatencyMs.max, e.latencyMs);
      return false;
    case 'queue':
      m.queue.depth = e.depth;
      return true;
    default:
      return false;
  }
}

/** A copy safe to hand out. @internal */
export function snapshotMetrics(m: MetricsState): ClientMetrics {
  return { ...m, reconnects: { ...m.reconnects }, commandLatencyMs: { ...m.commandLatencyMs }, queue: { ...m.queue } };
}
