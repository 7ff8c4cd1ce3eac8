import { AstroError } from '../../errors/astroError';
import { isRetryable } from '../../policies/isRetryable';
import { resolvedBackoffDelay } from '../../policies/backoffDelay';
import { aliasKey } from '../subscriptionKey';
import { collect, dropWant, findWant, isLive, lose, markDirty, slotOf, wantOf } from './slots';
import type { Inflight, OutboxConfig, OutboxOutput, OutboxState, Slot, Want } from './state';
import { add, all } from '../../util/some';

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
 * their effects happened, so applying each to `held` in arrival order tracks the
 * gateway exactly, even when they come out of order relative to the commands.
 *
 * @internal
 */
export function onAnswer(s: OutboxState, answer: Answer, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  const nonce = answer.nonce;
  if (nonce === undefined) {
    // a rate limit names no command; any other answer without a nonce matches none
    if (answer.error === 'rate_limit_exceeded') rateLimited(s, now, config, out);
    else out.push({ type: 'unmatched', nonce, error: answer.error });
    return;
  }
  const current = s.byNonce.get(nonce);
  const inflight = current ?? s.stale.get(nonce);
  if (!inflight) {
    out.push({ type: 'unmatched', nonce, error: answer.error });
    return;
  }
  const slot = isLive(s, inflight.slot) ? inflight.slot : slotOf(s, inflight.slot.topic, inflight.slot.room);
  if (current) {
    s.byNonce.delete(inflight.nonce);
    slot.inflight = undefined;
    out.push({ type: 'answered', latencyMs: now - inflight.sentAt });
    // Stryker disable next-line ConditionalExpression: while a topic is locked, its unsubscribe of every room is its only command in flight (decide), so a command with a room never meets a lock of its topic
    if (inflight.room === undefined) s.topicLocks.delete(slot.topic);
  } else {
    s.stale.delete(inflight.nonce);
  }
  // Stryker disable next-line StringLiteral: only the mark 'inflight' is ever read; any other means changed
  if (answer.error === undefined) s.crossing?.set(slot, 'changed');
  // A refused command changed nothing: if it was what crossed the frame, nothing is uncertain.
  else if (s.crossing?.get(slot) === 'inflight' && answer.error !== 'rate_limit_exceeded') s.crossing.delete(slot);
  if (answer.error === 'rate_limit_exceeded') {
    if (current) {
      out.push({ type: 'rate_limited' });
      s.pausedUntil = Math.max(s.pausedUntil, now + config.rateLimitPauseMs);
      markDirty(s, slot, now, 'front');
    }
  } else if (answer.error === undefined) {
    onSuccess(s, slot, inflight, answer.room, now, out);
  } else if (current) {
    // A late answer to a command already given up on changes nothing it failed to do.
    onError(s, slot, inflight, answer, now, config, out);
  }
  markDirty(s, slot, now);
  unblock(s, slot.topic, now);
  collect(s, slot);
}

function onSuccess(s: OutboxState, slot: Slot, inflight: Inflight, room: string | undefined, now: number, out: OutboxOutput[]): void {
  slot.attempts = 0;
  slot.retryAt = undefined;
  if (inflight.kind === 'unsubscribe') {
    // Without a room it drops every room; for a room never confirmed canonical, the gateway may have
    // dropped its canonical room: either way the topic's other rooms are in doubt, and checked again.
    const wide = inflight.room === undefined || !slot.canonical;
    const others = wide ? [...s.slots.ofTopic(slot.topic).values()].filter((o) => o !== slot) : [];
    const lost = [...lose(slot), ...others.flatMap((other) => loseAndRequeue(s, other, now, inflight.room === undefined ? false : 'unknown'))];
    if (lost.length > 0) out.push({ type: 'lost', refs: lost });
    return;
  }
  const want = findWant(slot, inflight.tokenRef);
  const canonical = room ?? inflight.room ?? slot.room;
  // the slot itself when the gateway confirmed the requested room (the slot is live)
  const target = slotOf(s, slot.topic, canonical);
  target.held = true;
  target.canonical = true;
  // Stryker disable next-line StringLiteral: only the mark 'inflight' is ever read; any other means changed
  s.crossing?.set(target, 'changed');
  if (target === slot) {
    if (want) confirm(want, out);
    return;
  }
  // The gateway keys subscriptions by canonical room: an alias is never held under its own name.
  slot.held = false;
  slot.alias = true;
  markDirty(s, target, now);
  if (!want) return;
  // The gateway named another room: this subscription is (topic, canonical room, token) from now on.
  remember(s, aliasKey(slot.topic, slot.room, want.tokenRef), canonical);
  dropWant(want);
  const merged = wantOf(target, want.tokenRef);
  for (const ref of all(want.refs)) merged.refs = add(merged.refs, ref);
  confirm(merged, out);
}

function confirm(want: Want, out: OutboxOutput[]): void {
  want.confirmed = true;
  out.push({ type: 'subscribed', refs: all(want.refs), topic: want.slot.topic, room: want.slot.room });
}

function onError(s: OutboxState, slot: Slot, inflight: Inflight, answer: Answer, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  const code = answer.error as string;
  // only an unsubscribe goes to every room, and an unsubscribe's error is never reported (it is retried or counted as done)
  // Stryker disable next-line StringLiteral,ConditionalExpression: unobservable, see above
  const where = inflight.room === undefined ? 'every room' : `room ${inflight.room}`;
  const error = new AstroError(code, `${inflight.kind} ${slot.topic} in ${where} failed with ${code}${answer.message !== undefined ? `: ${answer.message}` : ''}`, {
    topic: slot.topic,
    room: slot.room,
    ...(answer.message !== undefined ? { serverMessage: answer.message } : {}),
  });
  if (isRetryable(error)) return retry(s, slot, inflight, error, now, config, out);
  // An unsubscribe that cannot be done is counted as done.
  if (inflight.kind === 'unsubscribe') return void lose(slot);
  fail(s, findWant(slot, inflight.tokenRef), error, out);
  // The same token's subscribe cannot have succeeded before: an unknown state resolves to not held.
  if (slot.held === 'unknown' && !all(slot.wants).some((w) => w.confirmed)) slot.held = false;
}

function fail(s: OutboxState, want: Want | undefined, error: AstroError, out: OutboxOutput[]): void {
  if (!want) return;
  dropWant(want);
  out.push({ type: 'failed', refs: all(want.refs), error });
}

/** Backs off and tries again; a subscribe gives up after `maxAttempts`. @internal */
export function retry(s: OutboxState, slot: Slot, inflight: Inflight, error: AstroError, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  slot.attempts++;
  if (inflight.kind === 'subscribe' && slot.attempts >= config.maxAttempts) {
    fail(s, findWant(slot, inflight.tokenRef), error, out);
    slot.attempts = 0;
    return;
  }
  slot.retryAt = now + resolvedBackoffDelay(Math.min(slot.attempts - 1, 30), config.backoff);
}

function rateLimited(s: OutboxState, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  // The rejection names no command, and answers can be out of order: any unanswered command may be
  // the one. Pause, then send each again; a late answer to the original still counts.
  out.push({ type: 'rate_limited' });
  s.pausedUntil = Math.max(s.pausedUntil, now + config.rateLimitPauseMs);
  // Put back to the front in reverse, so that they leave again in their first order.
  for (const inflight of [...s.byNonce.values()].reverse()) {
    s.stale.set(inflight.nonce, inflight);
    const slot = inflight.slot;
    slot.inflight = undefined;
    // Stryker disable next-line ConditionalExpression: while a topic is locked, its unsubscribe of every room is its only command in flight (decide), so a command with a room never meets a lock of its topic
    if (inflight.room === undefined) s.topicLocks.delete(slot.topic);
    // slots in flight are live: a slot is forgotten only with nothing in flight (`collect`)
    markDirty(s, slot, now, 'front');
    unblock(s, slot.topic, now);
  }
  s.byNonce.clear();
}

function loseAndRequeue(s: OutboxState, slot: Slot, now: number, held: false | 'unknown'): unknown[] {
  const lost = lose(slot);
  slot.held = held;
  markDirty(s, slot, now);
  return lost;
}

/** Lets slots of `topic` that waited for its commands go again (unless an unsubscribe of every room still runs). @internal */
export function unblock(s: OutboxState, topic: string, now: number): void {
  if (s.topicLocks.has(topic)) return;
  // Stryker disable next-line ConditionalExpression: a shortcut only: with nothing blocked, the loop below does nothing
  if (s.blocked.size === 0) return;
  // blocked slots are live: a slot leaves `blocked` when it is forgotten (`collect`)
  for (const slot of [...s.blocked]) {
    if (slot.topic !== topic) continue;
    s.blocked.delete(slot);
    markDirty(s, slot, now);
  }
}

function remember(s: OutboxState, key: string, canonical: string): void {
  if (s.aliases.size >= MAX_ALIASES) {
    // the oldest: a Map keeps insertion order
    for (const oldest of s.aliases.keys()) {
      s.aliases.delete(oldest);
      break;
    }
  }
  s.aliases.set(key, canonical);
}
