import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { monotonicUlid, ulidTime } from '../ulid';
import { seededRandom } from '../seededRandom';
import { handovers } from './handover';
import { rfc3339 } from './frames';
import { DEFAULT_SWITCHES, mergeSwitches } from './switches';
import type { LiveBucket } from './bucket';
import type { Handovers } from './handover';
import type { Stamp } from './frames';
import type { GatewayCoreOptions } from './core';
import type { Authorize, GatewayEvent, GatewayConnection, GatewayLink, GatewaySwitches, OutgoingEntry, PublishedEntry, WireEntry } from './types';

/** One connection as the core keeps it (the mutable side of {@link GatewayConnection}). @internal */
export interface ConnState extends GatewayConnection {
  live: boolean;
  closed: boolean;
  closedByClient: boolean;
  closeCode?: number;
  welcomed: boolean;
  draining: boolean;
  restored: boolean;
  readonly held: Set<string>;
  readonly link: GatewayLink;
  readonly bucket: LiveBucket;
  /** Every scheduled action of this connection (cancelled when it closes). */
  readonly pending: Subscription;
}

/** A command fault queued by `failNextSubscribes`. @category Testing */
export type SubscribeFault = 'err_deadline_exceeded' | 'err_internal_error' | 'rate_limit_exceeded';

/** What the core's parts share. @internal */
export interface CoreContext {
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly authorize: Authorize;
  readonly canonicalRoom: (room: string) => string;
  readonly requireTokenType: boolean;
  readonly handovers: Handovers;
  /** Live connections, and closed ones when `retainClosed`. */
  readonly conns: Map<number, ConnState>;
  nextIndex: number;
  readonly record: boolean;
  readonly retainClosed: boolean;
  readonly stampReconnect: boolean;
  emit(event: GatewayEvent): void;
  readonly wire: WireEntry[];
  readonly outgoing: OutgoingEntry[];
  readonly published: PublishedEntry[];
  readonly subscribeFaults: SubscribeFault[];
  switches: GatewaySwitches;
  rejections: number;
  forcedRejections: number;
  stamp(): Stamp;
  /** Sends one frame on a live connection; `false` when it is not live. */
  send(conn: ConnState, data: string | Uint8Array): boolean;
  /** Runs `work` after `delay` ms if the connection is still live then. */
  later(conn: ConnState, delay: number, work: () => void): void;
  /** The gateway closes a connection (its subscriptions are lost). */
  close(conn: ConnState, code: number, reason: string): void;
}

/** The shared state of a new core. @internal */
export function createContext(options: GatewayCoreOptions): CoreContext {
  const { scheduler } = options;
  const random = options.random ?? seededRandom(1);
  // Ids draw from their own stream (seeded once from `random`), so latency draws stay predictable.
  const ulid = monotonicUlid({ now: () => scheduler.now(), random: seededRandom(Math.floor(random() * 2 ** 32)) });
  const ctx: CoreContext = {
    scheduler,
    random,
    authorize: options.authorize,
    canonicalRoom: options.canonicalRoom ?? ((room) => room),
    requireTokenType: options.requireTokenType ?? true,
    handovers: options.handovers ?? handovers(random),
    conns: new Map(),
    nextIndex: 0,
    record: options.record ?? true,
    retainClosed: options.retainClosed ?? true,
    stampReconnect: options.stampReconnect ?? false,
    emit: options.onEvent ?? (() => undefined),
    wire: [],
    outgoing: [],
    published: [],
    subscribeFaults: [],
    switches: mergeSwitches(DEFAULT_SWITCHES, options.switches),
    rejections: 0,
    forcedRejections: 0,
    stamp: () => {
      const id = ulid();
      return { id, ts: rfc3339(ulidTime(id)) };
    },
    send: (conn, data) => {
      if (!conn.live || conn.link.deliver(data) === false) return false;
      if (ctx.record) ctx.outgoing.push({ at: scheduler.now(), conn: conn.index, data });
      return true;
    },
    later: (conn, delay, work) => {
      if (!conn.live) return;
      // done work leaves `pending` (a closed action is removed from it): a connection lives for hours
      conn.pending.add(
        scheduler.schedule(function (this: SchedulerAction<unknown>) {
          try {
            if (conn.live) work();
          } finally {
            this.unsubscribe();
          }
        }, delay),
      );
    },
    close: (conn, code, reason) => {
      if (!conn.live) return;
      endConn(ctx, conn);
      conn.closeCode = code;
      conn.link.close(code, reason);
    },
  };
  return ctx;
}

/** Marks a connection closed: pending tokenUse snapshots are frozen before its subscriptions go. @internal */
export function endConn(ctx: CoreContext, conn: ConnState): void {
  ctx.handovers.freeze(conn.index);
  conn.live = false;
  conn.closed = true;
  conn.held.clear();
  conn.pending.unsubscribe();
  if (!ctx.retainClosed) ctx.conns.delete(conn.index);
}

