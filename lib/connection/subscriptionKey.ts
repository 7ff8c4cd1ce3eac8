/**
 * The one identity of a subscription: (topic, canonical room, token). The queue,
 * the connection and the client all derive their keys from these functions, so
 * that merging, cancellation and routing can never disagree.
 *
 * A token is referred to by a small number (`tokenRef`), never by its value: keys
 * and state hold no secret.
 *
 * @internal
 */
const SEP = '\u0000';

/** The gateway's own identity of a subscription: (topic, room). @internal */
export function slotKey(topic: string, room: string): string {
  return topic + SEP + room;
}

/** (topic, canonical room, token). @internal */
export function subscriptionKey(topic: string, room: string, tokenRef: number): string {
  return topic + SEP + room + SEP + tokenRef;
}

/** The key under which a requested room's canonical room is remembered (it may depend on the token). @internal */
export function aliasKey(topic: string, requestedRoom: string, tokenRef: number): string {
  return subscriptionKey(topic, requestedRoom, tokenRef);
}

/**
 * The canonical room of a requested room, as far as the gateway has told:
 * the room itself until a subscribe response says otherwise.
 *
 * @internal
 */
export function canonicalRoom(aliases: ReadonlyMap<string, string>, topic: string, room: string, tokenRef: number): string {
  return aliases.get(aliasKey(topic, room, tokenRef)) ?? room;
}
