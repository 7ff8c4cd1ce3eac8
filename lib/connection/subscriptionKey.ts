/**
 * The one identity of a subscription: (topic, canonical room, token). The
 * outbox, the registry and the router all index by it through {@link SlotMap}
 * (topic → room → value), so that merging, cancellation and routing can never
 * disagree, and no per-room key string is ever built: the topic and room strings
 * the caller passed are the keys.
 *
 * A token is referred to by a small number (`tokenRef`), never by its value:
 * keys and state hold no secret.
 *
 * @internal
 */
export class SlotMap<V> {
  private readonly topics = new Map<string, Map<string, V>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(topic: string, room: string): V | undefined {
    return this.topics.get(topic)?.get(room);
  }

  set(topic: string, room: string, value: V): void {
    let rooms = this.topics.get(topic);
    if (!rooms) this.topics.set(topic, (rooms = new Map()));
    if (!rooms.has(room)) this.count++;
    rooms.set(room, value);
  }

  delete(topic: string, room: string): boolean {
    const rooms = this.topics.get(topic);
    if (!rooms?.delete(room)) return false;
    this.count--;
    if (rooms.size === 0) this.topics.delete(topic);
    return true;
  }

  /** Every room of `topic` (for an unsubscribe of every room, or a frame without a room). */
  ofTopic(topic: string): ReadonlyMap<string, V> {
    return this.topics.get(topic) ?? EMPTY;
  }

  *values(): IterableIterator<V> {
    for (const rooms of this.topics.values()) yield* rooms.values();
  }
}

const EMPTY: ReadonlyMap<string, never> = new Map<string, never>();

/**
 * The canonical room of a requested room, as far as the gateway has told: the
 * room itself until a subscribe response names another (which may depend on the
 * token, e.g. the default room).
 *
 * @internal
 */
export function canonicalRoom(aliases: ReadonlyMap<string, string>, topic: string, room: string, tokenRef: number): string {
  // Stryker disable next-line ConditionalExpression: equivalent, a shortcut only (no key string is built): an empty map holds no alias, and the lookup falls back to the room as well
  return aliases.size === 0 ? room : (aliases.get(aliasKey(topic, room, tokenRef)) ?? room);
}

/** The key under which an alias is remembered: (topic, requested room, token). @internal */
export function aliasKey(topic: string, requestedRoom: string, tokenRef: number): string {
  return `${topic}\u0000${requestedRoom}\u0000${tokenRef}`;
}
