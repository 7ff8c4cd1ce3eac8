import type { OutboxState, Slot, Want } from './state';
import { add, all, without } from '../../util/some';

/** The slot (topic, room), created empty when missing. @internal */
export function slotOf(s: OutboxState, topic: string, room: string): Slot {
  let slot = s.slots.get(topic, room);
  if (!slot) {
    // every field set here, so that the object never changes shape (no out-of-object properties)
    slot = { topic, room, held: false, alias: false, canonical: false, wants: undefined, inflight: undefined, queuedAt: undefined, attempts: 0, retryAt: undefined };
    s.slots.set(topic, room, slot);
  }
  return slot;
}

/** The want of `tokenRef` in `slot`, if any (none for no token: every want has one). @internal */
export function findWant(slot: Slot, tokenRef: number | undefined): Want | undefined {
  for (const w of all(slot.wants)) if (w.tokenRef === tokenRef) return w;
  return undefined;
}

/** The want of `tokenRef` in `slot`, created when missing. @internal */
export function wantOf(slot: Slot, tokenRef: number): Want {
  let want = findWant(slot, tokenRef);
  if (!want) {
    want = { slot, tokenRef, refs: undefined, confirmed: false };
    slot.wants = add(slot.wants, want);
  }
  return want;
}

/** Removes a want from its slot. @internal */
export function dropWant(want: Want): void {
  want.slot.wants = without(want.slot.wants, want);
}

/** Whether `slot` is the live slot of its (topic, room). @internal */
export function isLive(s: OutboxState, slot: Slot): boolean {
  return s.slots.get(slot.topic, slot.room) === slot;
}

/**
 * Puts a slot in line for reconciliation: its command (if any) is decided when
 * it leaves, so a subscribe and an unsubscribe that meet in the queue cancel.
 *
 * @internal
 */
export function markDirty(s: OutboxState, slot: Slot, now: number, lane: 'normal' | 'bulk' | 'front' = 'normal'): void {
  if (s.blocked.has(slot)) return;
  if ((slot.retryAt ?? -Infinity) > now) {
    // it waits for its backoff out of line, even if it was put in line while its command was in flight
    s.normal.remove(slot);
    s.bulk.remove(slot);
    s.retrying.add(slot);
    return;
  }
  if (slot.queuedAt === undefined) slot.queuedAt = now;
  if (lane === 'front') {
    s.bulk.remove(slot);
    s.normal.front(slot);
  } else if (!s.normal.has(slot) && !s.bulk.has(slot)) {
    s[lane].push(slot);
  }
}

/** Forgets a slot with nothing left to do (nothing wanted, held or in flight). @internal */
export function collect(s: OutboxState, slot: Slot): void {
  if (slot.wants === undefined && slot.held === false && slot.inflight === undefined && isLive(s, slot)) {
    s.slots.delete(slot.topic, slot.room);
    s.retrying.delete(slot);
    s.blocked.delete(slot);
  }
}

/** The gateway no longer holds `slot`: wants it had confirmed are lost. Returns their entries. @internal */
export function lose(slot: Slot): unknown[] {
  slot.held = false;
  const refs: unknown[] = [];
  for (const want of all(slot.wants)) {
    if (want.confirmed) refs.push(...all(want.refs));
    want.confirmed = false;
    // what nobody wants any more is gone now
    if (want.refs === undefined) slot.wants = without(slot.wants, want);
  }
  return refs;
}

/** Wants nobody holds any more, while others keep the slot: forgotten (a rotated token frees its memory). @internal */
export function prune(s: OutboxState, slot: Slot): void {
  for (const want of all(slot.wants)) if (want.refs === undefined) dropWant(want);
}
