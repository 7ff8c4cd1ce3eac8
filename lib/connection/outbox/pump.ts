import { AstroError } from '../../errors/astroError';
import { nextTokenAt, take } from '../../policies/tokenBucket';
import { retry, unblock } from './answers';
import { collect, isLive, markDirty, prune } from './slots';
import type { Inflight, OutboxConfig, OutboxOutput, OutboxState, Slot } from './state';
import { all } from '../../util/some';

/** Commands without an answer past their deadline: their outcome is unknown; try again with backoff. @internal */
export function expire(s: OutboxState, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  for (const inflight of s.byNonce.values()) {
    // no answer can come while no session is up: deadlines count only in a session
    if (!s.ready || inflight.deadline > now) continue;
    s.byNonce.delete(inflight.nonce);
    s.stale.set(inflight.nonce, { ...inflight, deadline: now + config.requestTimeoutMs });
    const slot = inflight.slot;
    slot.inflight = undefined;
    slot.held = 'unknown';
    // Stryker disable next-line ConditionalExpression: while a topic is locked, its unsubscribe of every room is its only command in flight (decide), so a command with a room never meets a lock of its topic
    if (inflight.room === undefined) s.topicLocks.delete(slot.topic);
    const error = new AstroError('timeout', `no answer to ${inflight.kind} of ${slot.topic} within ${config.requestTimeoutMs} ms`, { topic: slot.topic, room: slot.room });
    retry(s, slot, inflight, error, now, config, out);
    markDirty(s, slot, now);
    unblock(s, slot.topic, now);
  }
  for (const inflight of s.stale.values()) if (inflight.deadline <= now) s.stale.delete(inflight.nonce);
  for (const slot of s.retrying) {
    // no `retryAt` left: a late success ended the backoff (onSuccess)
    if ((slot.retryAt ?? -Infinity) > now) continue;
    s.retrying.delete(slot);
    slot.retryAt = undefined;
    // retrying slots are live: a slot leaves `retrying` when it is forgotten (`collect`)
    markDirty(s, slot, now);
  }
}

/** Sends what the bucket allows, deciding each slot's command as it leaves. @internal */
export function pump(s: OutboxState, now: number, config: OutboxConfig, out: OutboxOutput[]): void {
  if (!s.ready || now < s.pausedUntil) return;
  while (s.normal.size + s.bulk.size > 0 && nextTokenAt(s.bucket, now, config.bucket) <= now) {
    const slot = s.normal.shift() ?? s.bulk.shift();
    if (!slot || slot.inflight || !isLive(s, slot)) continue;
    const command = decide(s, slot);
    if (command === 'blocked') {
      s.blocked.add(slot);
      continue;
    }
    if (!command) {
      slot.queuedAt = undefined;
      collect(s, slot);
      continue;
    }
    s.bucket = take(s.bucket, now, config.bucket).bucket;
    const nonce = config.nonce(++s.seq);
    const inflight: Inflight = { nonce, slot, sentAt: now, deadline: now + config.requestTimeoutMs, ...command };
    s.byNonce.set(nonce, inflight);
    slot.inflight = inflight;
    if (command.room === undefined) s.topicLocks.add(slot.topic);
    out.push({ type: 'sent', queuedMs: now - (slot.queuedAt ?? now) });
    slot.queuedAt = undefined;
    out.push({ type: 'send', nonce, kind: command.kind, topic: slot.topic, room: command.room, ...(command.tokenRef !== undefined ? { tokenRef: command.tokenRef } : {}) });
  }
}

type Decision = Pick<Inflight, 'kind' | 'room' | 'tokenRef'> | 'blocked' | undefined;

/** The command that brings the gateway closer to what the user wants, if any. */
function decide(s: OutboxState, slot: Slot): Decision {
  if (s.topicLocks.has(slot.topic)) return 'blocked';
  let wanted = false;
  for (const w of all(slot.wants)) {
    if (w.refs === undefined) continue;
    if (!w.confirmed) return { kind: 'subscribe', room: slot.room, tokenRef: w.tokenRef };
    wanted = true;
  }
  if (wanted) {
    prune(s, slot);
    return undefined;
  }
  if (slot.held === false) {
    prune(s, slot);
    return undefined;
  }
  if (slot.room !== '') return { kind: 'unsubscribe', room: slot.room };
  // Room '' is the gateway's global room, and an unsubscribe without a room drops the topic in
  // every room: send it only when no other command of the topic is in flight; the rooms it
  // drops are lost and subscribed again.
  for (const other of s.slots.ofTopic(slot.topic).values()) if (other.inflight) return 'blocked';
  return { kind: 'unsubscribe', room: undefined };
}

/** When the machine next needs a `tick`: a token, the end of a pause, a deadline or a backoff. @internal */
export function nextWake(s: OutboxState, now: number, config: OutboxConfig): number | undefined {
  let at = Infinity;
  if (s.ready && s.normal.size + s.bulk.size > 0) at = Math.max(s.pausedUntil, nextTokenAt(s.bucket, now, config.bucket));
  if (s.ready) for (const inflight of s.byNonce.values()) at = Math.min(at, inflight.deadline);
  // a backoff that ends while no session is up waits for the session (nothing could leave anyway)
  if (s.ready) for (const slot of s.retrying) at = Math.min(at, slot.retryAt ?? now);
  return at === Infinity ? undefined : at;
}

/** Commands waiting to leave (not those in flight). @internal */
export function queueDepth(s: OutboxState): number {
  return s.normal.size + s.bulk.size + s.retrying.size;
}
