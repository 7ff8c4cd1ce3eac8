import { canonicalRoom } from '../subscriptionKey';
import { expire, pump } from './pump';
import { collect, dropWant, findWant, isLive, markDirty, slotOf, wantOf } from './slots';
import { onAnswer } from './answers';
import type { OutboxConfig, OutboxInput, OutboxOutput, OutboxState, Slot, Want } from './state';
import { add, all, without } from '../../util/some';

export { nextWake, queueDepth } from './pump';

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
      unwant(s, input, now);
      break;
    case 'session':
      if (input.restored) restored(s, now);
      else fresh(s, now, config);
      break;
    case 'crossing':
    case 'down':
      // Nothing leaves until the next session; what was in flight crossed. A slot already crossing keeps its
      // mark: one of its commands may have been answered since ('changed'). (Only a drop meets marks: every
      // session clears them, and one reconnect frame at most comes before the next session. No answer comes
      // between a drop and the next session: the kind of a mark set or kept then is never read.)
      s.ready = false;
      s.crossing ??= new Map();
      // Stryker disable next-line ConditionalExpression: see above
      for (const inflight of s.byNonce.values()) if (!s.crossing.has(inflight.slot)) s.crossing.set(inflight.slot, 'inflight');
      break;
    case 'response':
      onAnswer(s, input, now, config, out);
      break;
    // Stryker disable next-line ConditionalExpression,StringLiteral: a tick acts only through the timers below, with or without its case
    case 'tick':
      break;
  }
  expire(s, now, config, out);
  pump(s, now, config, out);
  return { state: s, outputs: out };
}

function want(s: OutboxState, ref: unknown, topic: string, room: string, tokenRef: number, now: number, out: OutboxOutput[]): void {
  const slot = slotOf(s, topic, canonicalRoom(s.aliases, topic, room, tokenRef));
  const w = wantOf(slot, tokenRef);
  if (all(w.refs).includes(ref)) return;
  w.refs = add(w.refs, ref);
  if (w.confirmed) out.push({ type: 'subscribed', refs: [ref], topic, room: slot.room });
  else markDirty(s, slot, now);
}

/**
 * The want of `ref`: under the canonical room of its requested room (the room itself when the
 * gateway named none); else wherever the gateway moved it since (a canonical room named again, an
 * alias forgotten, the requested room itself): every room of the topic is searched then, so that
 * no unsubscribe is ever lost.
 */
function wantOfRef(s: OutboxState, input: Extract<OutboxInput, { type: 'unwant' }>): Want | undefined {
  const holds = (slot: Slot | undefined): Want | undefined => {
    const w = slot && findWant(slot, input.tokenRef);
    return w && all(w.refs).includes(input.ref) ? w : undefined;
  };
  const near = holds(s.slots.get(input.topic, canonicalRoom(s.aliases, input.topic, input.room, input.tokenRef)));
  // Stryker disable next-line ConditionalExpression: equivalent, a shortcut: the search of every room below finds the same want (a ref is in one want only)
  if (near) return near;
  for (const slot of s.slots.ofTopic(input.topic).values()) {
    const w = holds(slot);
    if (w) return w;
  }
  return undefined;
}

function unwant(s: OutboxState, input: Extract<OutboxInput, { type: 'unwant' }>, now: number): void {
  const w = wantOfRef(s, input);
  if (!w) return;
  w.refs = without(w.refs, input.ref);
  if (w.refs !== undefined) return;
  if (!w.confirmed) dropWant(w);
  markDirty(s, w.slot, now);
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
    for (const w of all(slot.wants)) {
      w.confirmed = false;
      if (w.refs === undefined) dropWant(w);
    }
    if (slot.wants === undefined) collect(s, slot);
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
  // Stryker disable next-line OptionalChaining: a restored session always follows a reconnect frame, which set the marks
  const crossed = new Set<Slot>(s.crossing?.keys());
  for (const inflight of s.byNonce.values()) crossed.add(inflight.slot);
  s.byNonce.clear();
  s.stale.clear();
  s.topicLocks.clear();
  for (const old of crossed) {
    // A slot forgotten since (its unsubscribe answered on the old socket) may still be in the snapshot;
    // an alias never is (the gateway holds its canonical room).
    if (old.alias && !isLive(s, old)) continue;
    const slot = isLive(s, old) ? old : slotOf(s, old.topic, old.room);
    slot.inflight = undefined;
    slot.held = slot.alias ? false : 'unknown';
    for (const w of all(slot.wants)) w.confirmed = false;
    markDirty(s, slot, now, 'bulk');
  }
  // blocked slots are live: a slot leaves `blocked` when it is forgotten (`collect`)
  for (const slot of [...s.blocked]) {
    s.blocked.delete(slot);
    markDirty(s, slot, now);
  }
  s.crossing = undefined;
  s.ready = true;
}
