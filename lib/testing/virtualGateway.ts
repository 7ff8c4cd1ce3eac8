import { Observable, type SchedulerLike } from 'rxjs';
import { AstroError } from '../errors/astroError';
import type { OpenSocket, SocketEvent } from '../transport/types';
import { seededRandom } from './seededRandom';
import { createGatewayCore, type GatewayCore } from './gateway/core';
import { tableAuthorizer, type TokenGrant } from './gateway/authorize';
import { hostileFrames, type HostileFrame, type HostileTarget } from './gateway/hostileFrames';
import type { Authorize, GatewayLink, GatewaySwitchesInput, RoomAliases } from './gateway/types';

/** Options of {@link virtualGateway}: the race switches, plus how sockets and tokens behave. @category Testing */
export interface VirtualGatewayOptions extends GatewaySwitchesInput {
  /** The scheduler every delay runs on (a `TestScheduler` inside `run()`, or a `VirtualTimeScheduler`). */
  readonly scheduler: SchedulerLike;
  /** @defaultValue `seededRandom(1)` */
  readonly random?: () => number;
  /** The tokens the default authorizer knows. @defaultValue `{}` */
  readonly tokens?: Readonly<Record<string, TokenGrant>>;
  /** Requested room → canonical room (default authorizer and unsubscribe). @defaultValue `{}` */
  readonly aliases?: RoomAliases;
  /** Replaces the token table. */
  readonly authorize?: Authorize;
  /** Time from `openSocket` being subscribed to the upgrade's answer (`open` or refusal). @defaultValue 1 */
  readonly openDelayMs?: number;
  /** What the sockets report as `observesPings`. @defaultValue true */
  readonly observesPings?: boolean;
  /** @defaultValue true */
  readonly requireTokenType?: boolean;
}

/**
 * A {@link GatewayCore} reachable through an {@link OpenSocket}, on virtual time:
 * the controls and logs of the core, plus `openSocket` for the client.
 *
 * @category Testing
 */
export interface VirtualGateway extends Omit<GatewayCore, 'upgrade' | 'accept' | 'receive' | 'clientClosed'> {
  /** The transport to hand the client (`createAstroClient({ openSocket })`). */
  readonly openSocket: OpenSocket;
  /** {@link hostileFrames} from the gateway's random source, aimed at `target`. */
  hostileFrames(target?: HostileTarget): HostileFrame[];
}

/**
 * Creates a gateway that races like the real one, for model-based tests on
 * virtual time. Each subscription to `openSocket(url)` is one socket: after
 * `openDelayMs` the upgrade is refused (`AstroError('upgrade_refused')` with
 * `status`/`retryAfterMs`) or accepted (`open`, then `frame`s and `ping`s);
 * a close by the gateway errors with `AstroError('transport')` carrying
 * `closeCode`/`closeReason`; unsubscribing is the client's close. Nothing
 * happens synchronously inside `subscribe` or inside `send`.
 *
 * @example
 * ```ts
 * import { virtualGateway } from 'astro-rx/testing';
 * testScheduler.run(() => {
 *   const gw = virtualGateway({ scheduler: testScheduler, tokens: { t: { channel: 'c1', scopes: '*' } }, authLatencyMs: [5, 50] });
 *   const client = createAstroClient({ token: 't', openSocket: gw.openSocket, scheduler: testScheduler });
 *   // … drive the client; then check gw.connections(), gw.wire, gw.published
 * });
 * ```
 * @category Testing
 */
export function virtualGateway(options: VirtualGatewayOptions): VirtualGateway {
  const { scheduler, openDelayMs = 1, observesPings = true } = options;
  const random = options.random ?? seededRandom(1);
  const aliases = options.aliases ?? {};
  const core = createGatewayCore({
    scheduler,
    random,
    authorize: options.authorize ?? tableAuthorizer({ tokens: options.tokens ?? {}, aliases }),
    canonicalRoom: (room) => (Object.prototype.hasOwnProperty.call(aliases, room) ? (aliases[room] ?? room) : room),
    switches: switchesOf(options),
    ...(options.requireTokenType !== undefined ? { requireTokenType: options.requireTokenType } : {}),
  });
  const openSocket = socketsOn(core, scheduler, openDelayMs, observesPings);
  return {
    openSocket,
    hostileFrames: (target) => hostileFrames(random, target),
    publish: core.publish,
    drain: core.drain,
    drop: core.drop,
    sendRaw: core.sendRaw,
    ping: core.ping,
    set: core.set,
    rejectNext: core.rejectNext,
    refuseUpgrades: core.refuseUpgrades,
    failNextSubscribes: core.failNextSubscribes,
    connections: core.connections,
    connection: core.connection,
    current: core.current,
    wire: core.wire,
    upgrades: core.upgrades,
    outgoing: core.outgoing,
    published: core.published,
    get switches() {
      return core.switches;
    },
    get rejections() {
      return core.rejections;
    },
  };
}

// Each subscription is one socket: the upgrade is decided after `openDelayMs`, then the core runs it.
function socketsOn(core: GatewayCore, scheduler: SchedulerLike, openDelayMs: number, observesPings: boolean): OpenSocket {
  return (url) =>
    new Observable<SocketEvent>((subscriber) => {
      let conn: { readonly index: number; readonly live: boolean } | undefined;
      const link: GatewayLink = {
        deliver: (data) => subscriber.next({ type: 'frame', data }),
        ping: () => subscriber.next({ type: 'ping' }),
        close: (code, reason) =>
          subscriber.error(new AstroError('transport', `the gateway closed the socket (code ${code})`, { closeCode: code, closeReason: reason })),
      };
      const upgrade = scheduler.schedule(() => {
        const refusal = core.upgrade(url);
        if (refusal) {
          const { status, retryAfterMs } = refusal;
          subscriber.error(new AstroError('upgrade_refused', `upgrade refused with HTTP ${status}`, { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }));
          return;
        }
        const accepted = core.accept(url, link);
        conn = accepted;
        const send = (text: string): boolean => {
          if (!accepted.live) return false;
          core.receive(accepted, text);
          return true;
        };
        subscriber.next({ type: 'open', socket: { send, observesPings } });
      }, openDelayMs);
      return () => {
        upgrade.unsubscribe();
        if (conn?.live) core.clientClosed(conn);
      };
    });
}

function switchesOf(options: VirtualGatewayOptions): GatewaySwitchesInput {
  const { defaultRoom, authLatencyMs, unsubscribeLatencyMs, snapshot, oldSocketCloseMs, tokenUpgrade, rateLimit, reconnectTokenTtlMs, welcomeDelayMs } = options;
  return { defaultRoom, authLatencyMs, unsubscribeLatencyMs, snapshot, oldSocketCloseMs, tokenUpgrade, rateLimit, reconnectTokenTtlMs, welcomeDelayMs };
}
