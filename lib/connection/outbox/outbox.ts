import { AstroError } from '../../errors/astroError';
import { nextTokenAt, take } from '../../policies/tokenBucket';
import { canonicalRoom } from '../subscriptionKey';
import { onAnswer, retry, unblock } from './answers';
import { collect, markDirty, slotOf, slotsOfTopic, wantOf } from './slots';
import type { Inflight, OutboxConfig, OutboxInput, OutboxOutput, OutboxState, Slot } from './state';

/** The result of one transition. @internal */
export interface OutboxStep {
  readonly state: OutboxState;
  readonly outputs: OutboxOutput[];
}

/**
 * The outbox's transition: `(state, input, now) → { state, outputs }`.
 *
 * It reconciles: for each gateway subscription (topic, room) it compares what the
 * user wants with what the gateway holds and sends at most one command at a time
 * to close the difference. A command is decided only when it leaves the queue, so
 * the user's last intent wins and opposite intents cancel before they are sent.
 * Commands leave only while a welcomed session is up, never faster than the bucket.
 *
 * @internal
 */
export function stepOutbox(s: OutboxState, input: OutboxInput, now: number, config: OutboxConfig): OutboxStep {
  const out: OutboxOutput[] = [];
  switch (input.type) {
    case 'want':
      want(s, input.ref, input.topic, input.room, input.tokenRef, now, out);
      break;
    case 'unwant':
      unwant(s, input.ref, now);
      break;
    case 'session':
      if (input.restored) restored(s, now);
      else fresh(s, now, config);
      break;
    case 'crossing':
      s.ready = false;
      s.crossing = new Map([...s.byNonce.values()].map((i) => [i.slot, [i.topic, i.slotRoom]] as const));
      break;
    case 'down':
      down(s);
      break;
    case 'response':
      onAnswer(s, input, now, config, out);
      break;
    case 'tick':
      break;
  }
  expire(s, now, config, out);
  pump(s, now, config, out);
  return { state: s, outputs: out };
}

function want(s: OutboxState, ref: number, topic: string, room: string, tokenRef: number, now: number, out: OutboxOutput[]): void {
  if (s.refs.has(ref)) return;
  const slot = slotOf(s, topic, canonicalRoom(s.aliases, topic, room, tokenRef));
  const w = wantOf(slot, tokenRef);
  w.refs.add(ref);
  s.refs.set(ref, w);
  if (w.confirmed) out.push({ type: 'subscribed', refs: [ref], topic, room: slot.room });
  else markDirty(s, slot, now);
}

function unwant(s: OutboxState, ref: number, now: number): void {
  const w = s.refs.get(ref);
  if (!w) return;
  s.refs.delete(ref);
  w.refs.delete(ref);
  const slot = s.slots.get(w.slot);
  if (!slot || w.refs.size > 0) return;
  slot.wants.delete(w.key);
  markDirty(s, slot, now);
}

/** A fresh session holds nothing: every wanted subscription is sent again, in the bulk lane. */
function fresh(s: OutboxState, now: number, config: OutboxConfig): void {
  s.byNonce.clear();
  s.stale.clear();
  s.normal.clear();
  s.bulk.clear();
  s.blocked.clear();
  s.retrying.clear();
  s.topicLocks.clear();
  s.crossing = undefined;
  s.pausedUntil = -Infinity;
  s.bucket = { tokens: config.bucket.burst, updatedAt: now };
  for (const slot of [...s.slots.values()]) {
    slot.held = false;
    slot.inflight = undefined;
    slot.attempts = 0;
    slot.retryAt = undefined;
    slot.queuedAt = undefined;
    for (const w of slot.wants.values()) w.confirmed = false;
    if (slot.wants.size === 0) s.slots.delete(slot.key);
    else markDirty(s, slot, now, 'bulk');
  }
  s.ready = true;
}

/**
 * A restored session holds the old one's subscriptions, except that a command
 * that crossed the `reconnect` frame may or may not be in the gateway's snapshot:
 * those subscriptions are issued again (idempotently), through the bucket.
 */
function restored(s: OutboxState, now: number): void {
  const crossed = s.crossing ?? new Map<string, readonly [string, string]>();
  for (const inflight of s.byNonce.values()) crossed.set(inflight.slot, [inflight.topic, inflight.slotRoom]);
  s.byNonce.clear();
  s.stale.clear();
  s.topicLocks.clear();
  for (const [key, [topic, room]] of crossed) {
    // A slot forgotten since (its unsubscribe answered on the old socket) may still be in the snapshot.
    const slot = s.slots.get(key) ?? slotOf(s, topic, room);
    slot.inflight = undefined;
    slot.held = 'unknown';
    for (const w of slot.wants.values()) w.confirmed = false;
    markDirty(s, slot, now, 'bulk');
  }
  for (const key of [...s.blocked]) {
    s.blocked.delete(key);
    const slot = s.slots.get(key);
    if (slot) markDirty(s, slot, now);
  }
  s.crossing = undefined;
  s.ready = true;
}

/** The session's socket is gone: nothing leaves until the next session; what was in flight crossed. */
function down(s: OutboxState): void {
  s.ready = false;
  if (!s.crossing) s.crossing = new Map();
  for (const inflight of s.byNonce.values()) s.crossing.set(inflight.slot, [inflight.topic, inflight.slotRoom]);
}

/** Commands without an answer past their deadline: their outcome is unknown; try again with backoff. */
function expire(s: OutboxState, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  if (!s.ready) return;
  for (const inflight of s.byNonce.values()) {
    if (inflight.deadline > now) continue;
    s.byNonce.delete(inflight.nonce);
    s.stale.set(inflight.nonce, { ...inflight, deadline: now + config.requestTimeoutMs });
    const slot = s.slots.get(inflight.slot);
    if (!slot) continue;
    slot.inflight = undefined;
    slot.held = 'unknown';
    if (inflight.room === undefined) s.topicLocks.delete(slot.topic);
    const error = new AstroError('timeout', `no answer to ${inflight.kind} of ${slot.topic} within ${config.requestTimeoutMs} ms`, { topic: slot.topic, room: slot.room });
    retry(s, slot, inflight, error, now, config, out);
    markDirty(s, slot, now);
    unblock(s, slot.topic, now);
  }
  for (const inflight of s.stale.values()) if (inflight.deadline <= now) s.stale.delete(inflight.nonce);
  for (const key of s.retrying) {
    const slot = s.slots.get(key);
    if (slot && slot.retryAt !== undefined && slot.retryAt > now) continue;
    s.retrying.delete(key);
    if (!slot) continue;
    slot.retryAt = undefined;
    markDirty(s, slot, now);
  }
}

/** Sends what the bucket allows, deciding each slot's command as it leaves. */
function pump(s: OutboxState, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  if (!s.ready || now < s.pausedUntil) return;
  while (s.normal.size + s.bulk.size > 0 && nextTokenAt(s.bucket, now, config.bucket) <= now) {
    const key = s.normal.shift() ?? s.bulk.shift();
    const slot = key === undefined ? undefined : s.slots.get(key);
    if (!slot || slot.inflight) continue;
    const command = decide(s, slot);
    if (command === 'blocked') {
      s.blocked.add(slot.key);
      continue;
    }
    if (!command) {
      slot.queuedAt = undefined;
      collect(s, slot);
      continue;
    }
    s.bucket = take(s.bucket, now, config.bucket).bucket;
    const nonce = config.nonce(++s.seq);
    const inflight: Inflight = { nonce, slot: slot.key, topic: slot.topic, slotRoom: slot.room, sentAt: now, deadline: now + config.requestTimeoutMs, ...command };
    s.byNonce.set(nonce, inflight);
    slot.inflight = inflight;
    if (command.room === undefined) s.topicLocks.add(slot.topic);
    out.push({ type: 'sent', queuedMs: now - (slot.queuedAt ?? now) });
    slot.queuedAt = undefined;
    const tokenRef = command.key === undefined ? undefined : slot.wants.get(command.key)?.tokenRef;
    out.push({ type: 'send', nonce, kind: command.kind, topic: slot.topic, room: command.room, ...(tokenRef !== undefined ? { tokenRef } : {}) });
  }
}

type Decision = Pick<Inflight, 'kind' | 'room' | 'key'> | 'blocked' | undefined;

/** The command that brings the gateway closer to what the user wants, if any. */
function decide(s: OutboxState, slot: Slot): Decision {
  if (s.topicLocks.has(slot.topic)) return 'blocked';
  for (const w of slot.wants.values()) if (!w.confirmed) return { kind: 'subscribe', room: slot.room, key: w.key };
  if (slot.wants.size > 0 || slot.held === false) return undefined;
  if (slot.room !== '') return { kind: 'unsubscribe', room: slot.room, key: undefined };
  // Room '' is the gateway's global room, and an unsubscribe without a room drops the topic in
  // every room: send it only when no other command of the topic is in flight; the others are
  // lost by it and subscribed again.
  for (const other of slotsOfTopic(s, slot.topic)) if (other.inflight) return 'blocked';
  return { kind: 'unsubscribe', room: undefined, key: undefined };
}

/** When the machine next needs a `tick`: a token, the end of a pause, a deadline or a backoff. @internal */
export function nextWake(s: OutboxState, now: number, config: OutboxConfig): number | undefined {
  let at = Infinity;
  if (s.ready && s.normal.size + s.bulk.size > 0) at = Math.max(s.pausedUntil, nextTokenAt(s.bucket, now, config.bucket));
  if (s.ready) for (const inflight of s.byNonce.values()) at = Math.min(at, inflight.deadline);
  for (const key of s.retrying) at = Math.min(at, s.slots.get(key)?.retryAt ?? now);
  return at === Infinity ? undefined : at;
}

/** Commands waiting to leave (not those in flight). @internal */
export function queueDepth(s: OutboxState): number {
  return s.normal.size + s.bulk.size + s.retrying.size;
}
