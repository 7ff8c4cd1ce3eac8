import { slotKey, subscriptionKey } from '../subscriptionKey';
import type { OutboxState, Slot, Want } from './state';

/** The slot (topic, room), created empty when missing. @internal */
export function slotOf(s: OutboxState, topic: string, room: string): Slot {
  const key = slotKey(topic, room);
  let slot = s.slots.get(key);
  if (!slot) {
    slot = { key, topic, room, held: false, wants: new Map(), attempts: 0 };
    s.slots.set(key, slot);
  }
  return slot;
}

/** The want of `tokenRef` in `slot`, created when missing. @internal */
export function wantOf(slot: Slot, tokenRef: number): Want {
  const key = subscriptionKey(slot.topic, slot.room, tokenRef);
  let want = slot.wants.get(key);
  if (!want) {
    want = { key, slot: slot.key, tokenRef, refs: new Set(), confirmed: false };
    slot.wants.set(key, want);
  }
  return want;
}

/**
 * Puts a slot in line for reconciliation: its command (if any) is decided when
 * it leaves, so a subscribe and an unsubscribe that meet in the queue cancel.
 *
 * @internal
 */
export function markDirty(s: OutboxState, slot: Slot, now: number, lane: 'normal' | 'bulk' | 'front' = 'normal'): void {
  if (s.blocked.has(slot.key)) return;
  if (slot.retryAt !== undefined && slot.retryAt > now) {
    s.retrying.add(slot.key);
    return;
  }
  if (slot.queuedAt === undefined) slot.queuedAt = now;
  if (lane === 'front') {
    s.bulk.remove(slot.key);
    s.normal.front(slot.key);
  } else if (!s.normal.has(slot.key) && !s.bulk.has(slot.key)) {
    s[lane].push(slot.key);
  }
}

/** Forgets a slot with nothing left to do (nothing wanted, held or in flight). @internal */
export function collect(s: OutboxState, slot: Slot): void {
  if (slot.wants.size === 0 && slot.held === false && slot.inflight === undefined) {
    s.slots.delete(slot.key);
    s.retrying.delete(slot.key);
    s.blocked.delete(slot.key);
  }
}

/** The gateway no longer holds `slot`: wants it had confirmed are lost. Returns their entries. @internal */
export function lose(slot: Slot): number[] {
  slot.held = false;
  const refs: number[] = [];
  for (const want of slot.wants.values()) {
    if (want.confirmed) refs.push(...want.refs);
    want.confirmed = false;
  }
  return refs;
}

/** Every slot of `topic` (for an unsubscribe of every room). @internal */
export function slotsOfTopic(s: OutboxState, topic: string): Slot[] {
  const found: Slot[] = [];
  for (const slot of s.slots.values()) if (slot.topic === topic) found.push(slot);
  return found;
}
