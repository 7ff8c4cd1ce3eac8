import type { SchedulerLike } from 'rxjs';
import { mergeSwitches } from './switches';
import { receiveText } from './connection';
import { createContext, type ConnState, type CoreContext, type SubscribeFault } from './context';
import type { Handovers } from './handover';
import { accept, clientClosed, drain, publish, tokenRefusal } from './lifecycle';
import type {
  Authorize,
  ConnRef,
  GatewayEvent,
  GatewayConnection,
  GatewayLink,
  GatewaySwitches,
  GatewaySwitchesInput,
  OutgoingEntry,
  PublishOutcome,
  PublishedEntry,
  UpgradeEntry,
  UpgradeRefusal,
  WireEntry,
} from './types';

/** Options of {@link createGatewayCore}. @category Testing */
export interface GatewayCoreOptions {
  /** Every delay and every timestamp goes through it. */
  readonly scheduler: SchedulerLike;
  /** Decides each subscribe (see {@link tableAuthorizer}). */
  readonly authorize: Authorize;
  /** Requested room → canonical room, for unsubscribe (subscribe gets it from `authorize`). @defaultValue identity */
  readonly canonicalRoom?: (room: string) => string;
  /** Latencies, token suffixes and ids. @defaultValue `seededRandom(1)` */
  readonly random?: () => number;
  readonly switches?: GatewaySwitchesInput;
  /** @defaultValue true */
  readonly requireTokenType?: boolean;
  /** Where reconnect tokens come from and are checked. @defaultValue in-memory, single-use tokens */
  readonly handovers?: Handovers;
  /** Keep the `wire`, `outgoing` and `published` logs (turn off for long runs). @defaultValue true */
  readonly record?: boolean;
  /** Keep closed connections in `connections()` (turn off for long runs). @defaultValue true */
  readonly retainClosed?: boolean;
  /** Give `reconnect` frames an `id` and `ts` (the documented example has neither, A4). @defaultValue false */
  readonly stampReconnect?: boolean;
  /** Called for each {@link GatewayEvent}. */
  readonly onEvent?: (event: GatewayEvent) => void;
}

/**
 * The gateway's per-connection logic without any socket: what it sends, when,
 * and what it holds. A transport adapter calls {@link GatewayCore.upgrade},
 * {@link GatewayCore.accept}, {@link GatewayCore.receive} and
 * {@link GatewayCore.clientClosed}; the core answers through each connection's
 * {@link GatewayLink}.
 *
 * @category Testing
 */
export interface GatewayCore {
  /**
   * Decides an upgrade before it is accepted: a refusal (queued by `refuseUpgrades`, or the
   * `tokenUpgrade` switch for a reconnect token), or `undefined` to accept. A 429 carries
   * `retryAfterMs` 2000 unless the refusal names another.
   */
  upgrade(url: string): UpgradeRefusal | undefined;
  /** Accepts an upgrade: welcome later, or (bad reconnect token) close with 4001 at once. */
  accept(url: string, link: GatewayLink): GatewayConnection;
  /** A text frame from the client. */
  receive(conn: ConnRef, text: string): void;
  /** The client closed the socket: its subscriptions are dropped. */
  clientClosed(conn: ConnRef): void;
  /** Sends a `message` frame to every live connection holding (topic, room). `room` is the canonical room. */
  publish(topic: string, room: string, data: unknown): PublishOutcome;
  /** Sends `reconnect` to a live connection and schedules its close; returns the token (`undefined` if not live or already draining). */
  drain(conn: ConnRef): string | undefined;
  /** The gateway closes a socket unexpectedly (subscriptions lost). @defaultValue code 1006 */
  drop(conn: ConnRef, code?: number): void;
  /** Sends `data` as it is; `false` when the connection is not live. */
  sendRaw(conn: ConnRef, data: string | Uint8Array): boolean;
  /** Sends a PING control frame; `false` when the connection is not live. */
  ping(conn: ConnRef): boolean;
  /** Changes switches; returns the new set. */
  set(input: GatewaySwitchesInput): GatewaySwitches;
  readonly switches: GatewaySwitches;
  /** The next `count` commands get a nonce-less `rate_limit_exceeded`. */
  rejectNext(count: number): void;
  /** The next `count` upgrades are refused with `refusal`. */
  refuseUpgrades(count: number, refusal: UpgradeRefusal): void;
  /** The next `count` well-formed subscribes fail with `code` (after the auth latency; `rate_limit_exceeded`: at once, without nonce). */
  failNextSubscribes(code: SubscribeFault, count?: number): void;
  /** Every connection the gateway accepted, oldest first (closed ones too, unless `keepClosed` is off). */
  connections(): readonly GatewayConnection[];
  /** One connection, by index or by an object carrying its `index`; throws when there is none. */
  connection(ref: ConnRef): GatewayConnection;
  /** The newest live, non-draining, welcomed connection. */
  current(): GatewayConnection | undefined;
  readonly wire: readonly WireEntry[];
  /** Every upgrade decided by {@link GatewayCore.upgrade}, refused or not. */
  readonly upgrades: readonly UpgradeEntry[];
  readonly outgoing: readonly OutgoingEntry[];
  readonly published: readonly PublishedEntry[];
  /** `rate_limit_exceeded` rejections so far. */
  readonly rejections: number;
}

/**
 * Creates a {@link GatewayCore} on an injected scheduler and random source.
 * Uses no timers, no `Date.now` and no Promises of its own.
 *
 * @category Testing
 */
export function createGatewayCore(options: GatewayCoreOptions): GatewayCore {
  const ctx = createContext(options);
  const refusals: UpgradeRefusal[] = [];
  const upgrades: UpgradeEntry[] = [];
  // A connection forgotten after it closed (`retainClosed: false`) counts as closed.
  const on = <R>(ref: ConnRef, act: (conn: ConnState) => R, otherwise: R): R => {
    const conn = ctx.conns.get(indexOf(ref));
    if (conn) return act(conn);
    if (indexOf(ref) >= ctx.nextIndex) throw new RangeError(`no gateway connection ${JSON.stringify(indexOf(ref))}`);
    return otherwise;
  };
  return {
    upgrade: (url) => {
      const refusal = withRetryAfter(refusals.shift() ?? tokenRefusal(ctx, url));
      if (ctx.record) upgrades.push({ at: ctx.scheduler.now(), url, ...(refusal ? { status: refusal.status } : {}) });
      return refusal;
    },
    accept: (url, link) => accept(ctx, url, link),
    receive: (ref, text) => on(ref, (c) => c.live && receiveText(ctx, c, text), undefined),
    clientClosed: (ref) => on(ref, (c) => clientClosed(ctx, c), undefined),
    publish: (topic, room, data) => publish(ctx, topic, room, data),
    drain: (ref) => on(ref, (c) => drain(ctx, c), undefined),
    drop: (ref, code = 1006) => on(ref, (c) => ctx.close(c, code, 'dropped'), undefined),
    sendRaw: (ref, data) => on(ref, (c) => ctx.send(c, data), false),
    ping: (ref) => on(ref, (c) => c.live && (c.link.ping?.(), true), false),
    set: (input) => (ctx.switches = mergeSwitches(ctx.switches, input)),
    get switches() {
      return ctx.switches;
    },
    ...faultControls(ctx, refusals),
    connections: () => [...ctx.conns.values()],
    connection: (ref) => on(ref, (c) => c, undefined) ?? missing(ref),
    current: () => [...ctx.conns.values()].reverse().find((c) => c.live && c.welcomed && !c.draining),
    wire: ctx.wire,
    upgrades,
    outgoing: ctx.outgoing,
    published: ctx.published,
    get rejections() {
      return ctx.rejections;
    },
  };
}

function faultControls(ctx: CoreContext, refusals: UpgradeRefusal[]): Pick<GatewayCore, 'rejectNext' | 'refuseUpgrades' | 'failNextSubscribes'> {
  return {
    rejectNext: (count) => void (ctx.forcedRejections += count_(count, 'rejectNext')),
    refuseUpgrades: (count, refusal) => {
      for (let i = 0; i < count_(count, 'refuseUpgrades'); i++) refusals.push({ ...refusal });
    },
    failNextSubscribes: (code, count = 1) => {
      for (let i = 0; i < count_(count, 'failNextSubscribes'); i++) ctx.subscribeFaults.push(code);
    },
  };
}

function missing(ref: ConnRef): never {
  throw new RangeError(`gateway connection ${JSON.stringify(indexOf(ref))} is closed and forgotten (retainClosed: false)`);
}

function count_(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name}: count must be a non-negative integer, got ${String(value)}`);
  return value;
}

function indexOf(ref: ConnRef): number {
  return typeof ref === 'number' ? ref : ref.index;
}

function withRetryAfter(refusal: UpgradeRefusal | undefined): UpgradeRefusal | undefined {
  if (refusal === undefined || refusal.status !== 429 || refusal.retryAfterMs !== undefined) return refusal;
  return { ...refusal, retryAfterMs: 2000 };
}
