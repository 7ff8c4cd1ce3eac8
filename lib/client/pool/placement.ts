import { keyHash, ownerOf } from './rendezvous';
import { Move, type Placed } from './move';

/** What a pool entry is: its key, and where it is. @internal */
export interface Placeable extends Placed {
  readonly topic: string;
  readonly room: string;
  readonly tokenRef: number;
  readonly canonical: string | undefined;
}

/** A change of the gateway subscriptions a placement step asks for. @internal */
export interface PlacementCommand {
  readonly type: 'want' | 'unwant';
  readonly conn: number;
}

/**
 * The connection among `k` that owns an entry's subscription key: (topic,
 * canonical room — the requested room until the gateway named another —, token).
 * `token` is read for hashing only; `undefined` (an entry being forgotten) maps to 0.
 *
 * @internal
 */
export function placeOf(entry: Placeable, k: number, token: string | undefined): number {
  // Stryker disable next-line ConditionalExpression: ownerOf(_, 1) is 0 for every key; `k === 1` only skips the hashing
  if (k === 1 || token === undefined) return 0;
  return ownerOf(keyHash(entry.topic, entry.canonical ?? entry.room, token), k);
}

/**
 * Sends an entry towards `target`, make-before-break: `target` subscribes and
 * the owner stays until it confirms. Re-aims or cancels a pending move; a
 * settling move is simply replaced (its owner is already the confirmed one).
 * Returns the subscription changes to make.
 *
 * @internal
 */
export function moveTo(entry: Placed, target: number): PlacementCommand[] {
  const pending = entry.move?.pending === true ? entry.move : undefined;
  if (pending?.to === target) return [];
  const out: PlacementCommand[] = pending ? [{ type: 'unwant', conn: pending.to }] : [];
  if (target === entry.owner) {
    entry.move = undefined;
    return out;
  }
  entry.move = new Move(entry.owner, target);
  out.push({ type: 'want', conn: target });
  return out;
}

/**
 * Connection `conn` confirmed the entry's subscription. When it is the target
 * of a pending move, the move switches: `conn` becomes the owner, and the old
 * owner is to unsubscribe. Returns the old owner, or `undefined` when nothing switched.
 *
 * @internal
 */
export function confirm(entry: Placed, conn: number, now: number): number | undefined {
  const move = entry.move;
  if (move === undefined || !move.pending || move.to !== conn) return undefined;
  move.switchedAt = now;
  entry.owner = conn;
  return move.from;
}

/**
 * Connection `conn` refused the entry's subscription for good. When it is the
 * target of a pending move, the move is called off and the owner keeps the
 * subscription (nothing was broken yet): returns `true`. Otherwise the refusal
 * is the owner's, and the entry fails as it would without a pool.
 *
 * @internal
 */
export function refuse(entry: Placed, conn: number): boolean {
  const move = entry.move;
  if (move === undefined || !move.pending || move.to !== conn) return false;
  entry.move = undefined;
  return true;
}

/** Every connection that holds or is acquiring the entry's subscription. @internal */
export function holders(entry: Placed): number[] {
  const pending = entry.move?.pending === true ? entry.move.to : undefined;
  return pending === undefined ? [entry.owner] : [entry.owner, pending];
}
