import { stepOutbox } from '../../lib/connection/outbox/outbox';
import { OutboxConfig, OutboxInput, OutboxOutput, OutboxState, createOutbox } from '../../lib/connection/outbox/state';
import { resolveBackoffConfig } from '../../lib/policies/backoffDelay';

/** The outbox configuration of the outbox specs: 3 commands at once, then one per 100 ms. */
export const outboxConfig = (over: Partial<OutboxConfig> = {}): OutboxConfig => ({
  bucket: { burst: 3, intervalMs: 100 },
  requestTimeoutMs: 1000,
  rateLimitPauseMs: 500,
  maxAttempts: 2,
  backoff: resolveBackoffConfig({ jitter: false, initialDelayMs: 100 }),
  nonce: (seq) => `n${seq}`,
  ...over,
});

/** Drives an outbox: `at(t, input)` steps it and returns what it decided. */
export function outbox(over: Partial<OutboxConfig> = {}) {
  const cfg = outboxConfig(over);
  const s: OutboxState = createOutbox(cfg, 0);
  const at = (now: number, input: OutboxInput): OutboxOutput[] => stepOutbox(s, input, now, cfg).outputs;
  return { s, at, cfg };
}

export const TOPIC = 'channel.tips';
export const want = (ref: number, room = 'r1', tokenRef = 1, topic = TOPIC): OutboxInput => ({ type: 'want', ref, topic, room, tokenRef });
export const unwant = (ref: number, room = 'r1', tokenRef = 1, topic = TOPIC): OutboxInput => ({ type: 'unwant', ref, topic, room, tokenRef });
export const ok = (nonce: string, room?: string): OutboxInput => ({ type: 'response', nonce, error: undefined, room, message: undefined });
export const err = (nonce: string | undefined, error: string, message?: string): OutboxInput => ({ type: 'response', nonce, error, room: undefined, message });
export const tick: OutboxInput = { type: 'tick' };
export const fresh: OutboxInput = { type: 'session', restored: false };
export const restored: OutboxInput = { type: 'session', restored: true };
export const crossing: OutboxInput = { type: 'crossing' };
export const down: OutboxInput = { type: 'down' };

/** The commands sent, as `kind topic/room#token nonce` (`*`: every room, `-`: no token). */
export const sends = (outs: OutboxOutput[]): string[] =>
  outs.flatMap((o) => (o.type === 'send' ? [`${o.kind} ${o.topic}/${o.room ?? '*'}#${o.tokenRef ?? '-'} ${o.nonce}`] : []));
/** The output types, without the metrics. */
export const kinds = (outs: OutboxOutput[]): string[] => outs.map((o) => o.type).filter((t) => t !== 'sent' && t !== 'answered');
/** The failures, as `refs code: message`. */
export const failures = (outs: OutboxOutput[]): string[] =>
  outs.flatMap((o) => (o.type === 'failed' ? [`${o.refs.join(',')} ${o.error.code}: ${o.error.message}`] : []));
