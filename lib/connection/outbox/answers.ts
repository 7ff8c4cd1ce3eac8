import { AstroError } from '../../errors/astroError';
import { isRetryable } from '../../policies/isRetryable';
import { resolvedBackoffDelay } from '../../policies/backoffDelay';
import { aliasKey } from '../subscriptionKey';
import { collect, lose, markDirty, slotOf, slotsOfTopic, wantOf } from './slots';
import type { Inflight, OutboxConfig, OutboxOutput, OutboxState, Slot } from './state';

const MAX_ALIASES = 100_000;

/** The fields of a `response` frame the outbox reads. @internal */
export interface Answer {
  readonly nonce: string | undefined;
  readonly error: string | undefined;
  readonly room: string | undefined;
  readonly message: string | undefined;
}

/**
 * Applies a `response`. Answers on one socket leave the gateway in the order
 * their effects happened, so applying each to `held` in arrival order tracks
 * the gateway exactly, even when they come out of order relative to the commands.
 *
 * @internal
 */
export function onAnswer(s: OutboxState, answer: Answer, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  if (answer.nonce === undefined && answer.error === 'rate_limit_exceeded') return rateLimited(s, now, config, out);
  const current = answer.nonce === undefined ? undefined : s.byNonce.get(answer.nonce);
  const inflight = current ?? (answer.nonce === undefined ? undefined : s.stale.get(answer.nonce));
  if (!inflight) {
    out.push({ type: 'unmatched', nonce: answer.nonce, error: answer.error });
    return;
  }
  const slot = s.slots.get(inflight.slot) ?? slotOf(s, inflight.topic, inflight.slotRoom);
  if (current) {
    s.byNonce.delete(inflight.nonce);
    slot.inflight = undefined;
    out.push({ type: 'answered', latencyMs: now - inflight.sentAt });
  } else {
    s.stale.delete(inflight.nonce);
  }
  s.crossing?.set(slot.key, [slot.topic, slot.room]);
  if (current && inflight.kind === 'unsubscribe' && inflight.room === undefined) s.topicLocks.delete(slot.topic);
  if (answer.error === 'rate_limit_exceeded') {
    if (current) {
      out.push({ type: 'rate_limited' });
      s.pausedUntil = Math.max(s.pausedUntil, now + config.rateLimitPauseMs);
      markDirty(s, slot, now, 'front');
    }
    return;
  }
  if (answer.error === undefined) onSuccess(s, slot, inflight, answer.room, now, out);
  else onError(s, slot, inflight, answer, Boolean(current), now, config, out);
  markDirty(s, slot, now);
  unblock(s, slot.topic, now);
  collect(s, slot);
}

function onSuccess(s: OutboxState, slot: Slot, inflight: Inflight, room: string | undefined, now: number, out: OutboxOutput[]): void {
  slot.attempts = 0;
  slot.retryAt = undefined;
  if (inflight.kind === 'unsubscribe') {
    const lost = inflight.room === undefined ? slotsOfTopic(s, slot.topic).flatMap((other) => loseAndRequeue(s, other, now)) : lose(slot);
    if (lost.length > 0) out.push({ type: 'lost', refs: lost });
    return;
  }
  const want = inflight.key === undefined ? undefined : slot.wants.get(inflight.key);
  const canonical = room ?? inflight.room ?? slot.room;
  const target = canonical === slot.room ? slot : slotOf(s, slot.topic, canonical);
  target.held = true;
  s.crossing?.set(target.key, [target.topic, target.room]);
  // The gateway keys subscriptions by canonical room: an alias is never held under its own name.
  if (target !== slot) slot.held = false;
  if (!want) {
    markDirty(s, target, now);
    return;
  }
  if (target !== slot) {
    // The gateway named another room: this subscription is (topic, canonical room, token) from now on.
    slot.wants.delete(want.key);
    remember(s, aliasKey(slot.topic, slot.room, want.tokenRef), canonical);
    const merged = wantOf(target, want.tokenRef);
    for (const ref of want.refs) {
      merged.refs.add(ref);
      s.refs.set(ref, merged);
    }
    markDirty(s, target, now);
    return confirm(merged, target, out);
  }
  confirm(want, slot, out);
}

function confirm(want: { refs: Set<number>; confirmed: boolean }, slot: Slot, out: OutboxOutput[]): void {
  want.confirmed = true;
  out.push({ type: 'subscribed', refs: [...want.refs], topic: slot.topic, room: slot.room });
}

function onError(s: OutboxState, slot: Slot, inflight: Inflight, answer: Answer, current: boolean, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  const code = answer.error as string;
  const where = inflight.room === undefined ? 'every room' : `room ${inflight.room}`;
  const error = new AstroError(code, `${inflight.kind} ${slot.topic} in ${where} failed with ${code}${answer.message !== undefined ? `: ${answer.message}` : ''}`, {
    topic: slot.topic,
    room: slot.room,
    ...(answer.message !== undefined ? { serverMessage: answer.message } : {}),
  });
  if (!current) return; // a late answer to a command already given up on changes nothing it failed to do
  if (isRetryable(error)) return retry(s, slot, inflight, error, now, config, out);
  if (inflight.kind === 'unsubscribe') {
    // Nothing more can be done about it: count it as gone.
    lose(slot);
    return;
  }
  const want = inflight.key === undefined ? undefined : slot.wants.get(inflight.key);
  if (!want) return;
  slot.wants.delete(want.key);
  for (const ref of want.refs) s.refs.delete(ref);
  out.push({ type: 'failed', refs: [...want.refs], error });
}

/** Backs off and tries again; a subscribe gives up after `maxAttempts`. @internal */
export function retry(s: OutboxState, slot: Slot, inflight: Inflight, error: AstroError, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  slot.attempts++;
  if (inflight.kind === 'subscribe' && slot.attempts >= config.maxAttempts) {
    const want = inflight.key === undefined ? undefined : slot.wants.get(inflight.key);
    if (want) {
      slot.wants.delete(want.key);
      for (const ref of want.refs) s.refs.delete(ref);
      out.push({ type: 'failed', refs: [...want.refs], error });
    }
    slot.attempts = 0;
    return;
  }
  slot.retryAt = now + resolvedBackoffDelay(Math.min(slot.attempts - 1, 30), config.backoff);
}

function rateLimited(s: OutboxState, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  // The rejection names no command, and answers can be out of order: every unacknowledged
  // command may be the one. Pause, then send each again; a late answer to the original still counts.
  out.push({ type: 'rate_limited' });
  s.pausedUntil = Math.max(s.pausedUntil, now + config.rateLimitPauseMs);
  for (const inflight of s.byNonce.values()) {
    s.stale.set(inflight.nonce, inflight);
    const slot = s.slots.get(inflight.slot);
    if (!slot) continue;
    slot.inflight = undefined;
    if (inflight.room === undefined) s.topicLocks.delete(slot.topic);
    markDirty(s, slot, now, 'front');
    unblock(s, slot.topic, now);
  }
  s.byNonce.clear();
}

function loseAndRequeue(s: OutboxState, slot: Slot, now: number): number[] {
  const lost = lose(slot);
  markDirty(s, slot, now);
  return lost;
}

/** Lets slots of `topic` that waited for its commands go again (unless an unsubscribe of every room still runs). @internal */
export function unblock(s: OutboxState, topic: string, now: number): void {
  if (s.topicLocks.has(topic) || s.blocked.size === 0) return;
  for (const key of [...s.blocked]) {
    const blocked = s.slots.get(key);
    if (blocked && blocked.topic !== topic) continue;
    s.blocked.delete(key);
    if (blocked) markDirty(s, blocked, now);
  }
}

function remember(s: OutboxState, key: string, canonical: string): void {
  if (s.aliases.size >= MAX_ALIASES) {
    const oldest = s.aliases.keys().next();
    if (!oldest.done) s.aliases.delete(oldest.value);
  }
  s.aliases.set(key, canonical);
}
