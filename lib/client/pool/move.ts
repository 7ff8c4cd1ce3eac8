import { IdWindow } from '../../connection/idWindow';

/**
 * How long after a move's switch the old connection's frames are still
 * reconciled by id: a bound on how far two sockets' frames can be reordered on
 * their way to the client. Past it the old connection's frames are ignored.
 *
 * @internal
 */
export const SETTLE_MS = 5000;

/** How many ids each side of a settling move remembers. @internal */
export const SETTLE_IDS = 1000;

/**
 * One subscription key moving from connection `from` to connection `to`,
 * make-before-break:
 *
 * 1. **pending**: `to` subscribes while `from` keeps delivering (only `from`'s
 *    frames reach the subscribers);
 * 2. **switch**: `to` confirms (`subscribed`); it becomes the owner and `from`
 *    is told to unsubscribe;
 * 3. **settling**: `from` may still deliver until its unsubscribe takes effect.
 *    An event published before the switch is on `from` only; one published after
 *    it is on `to`, and on `from` too until the unsubscribe. Each socket delivers
 *    in publish order, and `to`'s answer came before any of its events, so the
 *    switch alone delivers each event once when the sockets are read in the
 *    order the gateway wrote them. For sockets read out of that order, the
 *    frames of both sides are reconciled by id for {@link SETTLE_MS}: a frame is
 *    delivered unless the other side already delivered its id.
 *
 * @internal
 */
export class Move {
  /** When `to` confirmed; `undefined` while pending. */
  switchedAt: number | undefined;
  private fromIds: IdWindow | undefined;
  private toIds: IdWindow | undefined;

  constructor(
    readonly from: number,
    readonly to: number,
  ) {}

  get pending(): boolean {
    return this.switchedAt === undefined;
  }

  /**
   * Whether connection `conn`'s copy of the event `id` goes to the subscribers
   * (the entry's owner is `to` once switched), while the move is not
   * {@link settled} ({@link admits} ends it first).
   */
  admits(conn: number, id: string | undefined): boolean {
    if (this.switchedAt === undefined) return conn === this.from;
    if (conn === this.to) {
      if (id === undefined) return true;
      if (this.fromIds?.has(id)) return false;
      (this.toIds ??= new IdWindow(SETTLE_IDS)).add(id);
      return true;
    }
    if (conn !== this.from || id === undefined || this.toIds?.has(id)) return false;
    (this.fromIds ??= new IdWindow(SETTLE_IDS)).add(id);
    return true;
  }

  /** Whether the move is over: switched, and past the settling window. */
  settled(now: number): boolean {
    return this.switchedAt !== undefined && now - this.switchedAt > SETTLE_MS;
  }
}

/** The part of an entry a pool places. @internal */
export interface Placed {
  owner: number;
  move: Move | undefined;
}

/** Whether connection `conn`'s copy of event `id` reaches the entry's subscribers. @internal */
export function admits(entry: Placed, conn: number, id: string | undefined, now: number): boolean {
  const move = entry.move;
  if (move === undefined) return conn === entry.owner;
  if (move.settled(now)) {
    entry.move = undefined;
    return conn === entry.owner;
  }
  return move.admits(conn, id);
}

/** The connections that should hold the entry's subscription now. @internal */
export function wantedOn(entry: Placed, conn: number): boolean {
  return entry.owner === conn || (entry.move?.pending === true && entry.move.to === conn);
}
