/** The key of one subscription: `topic\u0000canonicalRoom`. @category Testing */
export function subKey(topic: string, room: string): string {
  return `${topic}\u0000${room}`;
}

/** The (topic, room) of a {@link subKey}. @category Testing */
export function splitKey(key: string): { readonly topic: string; readonly room: string } {
  const at = key.indexOf('\u0000');
  return { topic: key.slice(0, at), room: key.slice(at + 1) };
}

/**
 * Applies an unsubscribe to `held` (§5.2): with a room, removes that (topic,
 * canonical room); with no room or `""`, removes the topic in every room.
 * Returns the keys removed (none when nothing was held: still a success).
 *
 * @category Testing
 */
export function applyUnsubscribe(held: Set<string>, topic: string, canonicalRoom: string | undefined): string[] {
  const removed: string[] = [];
  for (const key of [...held]) {
    const s = splitKey(key);
    if (s.topic === topic && (canonicalRoom === undefined || canonicalRoom === '' || s.room === canonicalRoom)) {
      held.delete(key);
      removed.push(key);
    }
  }
  return removed;
}
