import { randomBytes } from 'node:crypto';
import { asapScheduler, type SchedulerLike } from 'rxjs';
import type { DefaultRoom, GatewaySwitchesInput, LatencyRange, SnapshotTiming, TokenUpgrade } from '../gateway/types';

/** Options of {@link startEmulator}. Every duration is in milliseconds. @category Testing */
export interface EmulatorOptions {
  /**
   * The address to listen on. Only loopback addresses are accepted (`127.x.x.x`, `::1`, `localhost`).
   * @defaultValue `'127.0.0.1'`
   */
  host?: string;
  /** @defaultValue 0 (any free port) */
  port?: number;
  /**
   * The HMAC-SHA256 key of every token. Two emulators with the same secret accept each other's tokens.
   * @defaultValue random, per emulator
   */
  secret?: string;
  /**
   * Interval of the WebSocket PING control frames sent to each connection (`Infinity`: none).
   * @defaultValue 30000
   */
  pingIntervalMs?: number;
  /**
   * A connection that sends no PONG for this long is terminated (`Infinity`: never; also never
   * when pings are off). The deadline starts when the connection opens and restarts at each PONG.
   * @defaultValue 70000
   */
  pongTimeoutMs?: number;
  /**
   * The per-connection command bucket: `burst` commands at once, then one every `intervalMs`.
   * @defaultValue `{ burst: 100, intervalMs: 100 }`
   */
  rateLimit?: { burst?: number; intervalMs?: number };
  /**
   * At most `max` upgrades are accepted per sliding `windowMs`; further ones get HTTP 429 with
   * `Retry-After: retryAfterSeconds` (default 2). Refused attempts do not count.
   * @defaultValue false (no limit)
   */
  connectionRateLimit?: { max: number; windowMs: number; retryAfterSeconds?: number } | false;
  /**
   * Requested room → canonical room. The canonical room is what the subscribe response and the
   * `message` frames carry, and what tokens' channels are compared with.
   * @defaultValue `{}`
   */
  roomAliases?: Record<string, string>;
  /**
   * After `reconnect`, how long the old connections keep delivering before they are closed (code 1001).
   * @defaultValue 5000
   */
  drainGraceMs?: number;
  /** @defaultValue 30000 */
  reconnectTokenTtlMs?: number;
  /**
   * Also serve the JSON HTTP API (`POST /publish`, `POST /token`, `POST /drain`, `GET /stats`,
   * `GET /connections`) on the same port, to loopback clients only.
   * @defaultValue false
   */
  httpApi?: boolean;
  /**
   * The largest WebSocket message (and HTTP API body) accepted; larger ones close the socket with 1009.
   * @defaultValue 1048576 (1 MiB)
   */
  maxPayloadBytes?: number;
  /**
   * The randomness of {@link Emulator.startActivity}, for reproducible feeds.
   * @defaultValue `Math.random`
   */
  random?: () => number;
  /**
   * The emulator's clock: every timer of the emulator and of its gateway core (PING interval,
   * pong deadline, welcome and authorization delays, drain grace, handover timers, the close
   * handshake bound, the command bucket's refill, the connection rate limit, token expiry and
   * the activity feed) runs on it, and every timestamp is its `now()`. Pass a virtual-time
   * scheduler (RxJS `VirtualTimeScheduler`, `TestScheduler`) to drive them by hand while the
   * sockets stay real.
   * @defaultValue `asapScheduler` (the wall clock: `asyncScheduler` for every delay, zero delays in a microtask)
   */
  scheduler?: SchedulerLike;

  /**
   * What a subscribe without a room (or with `""`) means: the global room `""`, or the token's channel (A1).
   * @defaultValue `'global'`
   */
  defaultRoom?: DefaultRoom;
  /**
   * Authorization time of each subscribe, drawn from `[min, max]` with `random`; the answer and the
   * subscription happen together at the end, so answers can leave out of order.
   * @defaultValue `[0, 0]`
   */
  authLatencyMs?: LatencyRange;
  /** Time until an unsubscribe takes effect and is answered. @defaultValue `[0, 0]` */
  unsubscribeLatencyMs?: LatencyRange;
  /**
   * When a drain's handover snapshot is taken: with the `reconnect` frame, or when the token is
   * used (or the old socket closes, if first). `tokenUse` tokens only work on this emulator.
   * @defaultValue `'reconnectFrame'`
   */
  snapshot?: SnapshotTiming;
  /**
   * The answer to an upgrade carrying a `reconnect_token`: accept, or refuse with 429 (and
   * `Retry-After`) or 502. A refusal does not use the token up.
   * @defaultValue `'accept'`
   */
  tokenUpgrade?: TokenUpgrade;
}

/** {@link EmulatorOptions} with every default applied. @internal */
export interface Resolved {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly connectionRateLimit: { readonly max: number; readonly windowMs: number; readonly retryAfterSeconds: number } | false;
  readonly roomAliases: Readonly<Record<string, string>>;
  readonly httpApi: boolean;
  readonly maxPayloadBytes: number;
  readonly random: () => number;
  readonly scheduler: SchedulerLike;
  /** The race switches of the gateway core (`drainGraceMs` is `oldSocketCloseMs`). */
  readonly switches: GatewaySwitchesInput;
}

/** Node turns delays above 2^31 - 1 ms into 1 ms; such values mean "never" here. @internal */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Validates `options` and applies the defaults; throws a `TypeError` naming the bad option. @internal */
export function resolveOptions(options: EmulatorOptions): Resolved {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new TypeError(`EmulatorOptions.host must be a loopback address, got ${JSON.stringify(host)}`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`EmulatorOptions.port must be 0…65535, got ${port}`);
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  if (typeof secret !== 'string' || secret === '') throw new TypeError('EmulatorOptions.secret must be a non-empty string');
  const aliases = options.roomAliases ?? {};
  if (Object.values(aliases).some((v) => typeof v !== 'string')) throw new TypeError('EmulatorOptions.roomAliases values must be strings');
  return {
    host,
    port,
    secret,
    pingIntervalMs: positive(options.pingIntervalMs ?? 30_000, 'pingIntervalMs'),
    pongTimeoutMs: positive(options.pongTimeoutMs ?? 70_000, 'pongTimeoutMs'),
    connectionRateLimit: connectionLimit(options.connectionRateLimit ?? false),
    roomAliases: { ...aliases },
    httpApi: options.httpApi ?? false,
    maxPayloadBytes: positive(options.maxPayloadBytes ?? 1024 * 1024, 'maxPayloadBytes'),
    random: options.random ?? Math.random,
    scheduler: options.scheduler ?? asapScheduler,
    switches: switchesOf(options),
  };
}

function switchesOf(options: EmulatorOptions): GatewaySwitchesInput {
  const { defaultRoom, authLatencyMs, unsubscribeLatencyMs, snapshot, tokenUpgrade } = options;
  return {
    defaultRoom,
    authLatencyMs,
    unsubscribeLatencyMs,
    snapshot,
    tokenUpgrade,
    welcomeDelayMs: 0,
    oldSocketCloseMs: Math.min(nonNegative(options.drainGraceMs ?? 5000, 'drainGraceMs'), MAX_TIMER_MS),
    reconnectTokenTtlMs: positive(options.reconnectTokenTtlMs ?? 30_000, 'reconnectTokenTtlMs'),
    rateLimit: {
      burst: positive(options.rateLimit?.burst ?? 100, 'rateLimit.burst'),
      intervalMs: positive(options.rateLimit?.intervalMs ?? 100, 'rateLimit.intervalMs'),
    },
  };
}

function connectionLimit(limit: NonNullable<EmulatorOptions['connectionRateLimit']>): Resolved['connectionRateLimit'] {
  if (limit === false) return false;
  positive(limit.max, 'connectionRateLimit.max');
  positive(limit.windowMs, 'connectionRateLimit.windowMs');
  if (limit.retryAfterSeconds !== undefined) nonNegativeInt(limit.retryAfterSeconds, 'connectionRateLimit.retryAfterSeconds');
  return { max: limit.max, windowMs: limit.windowMs, retryAfterSeconds: limit.retryAfterSeconds ?? 2 };
}

function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !(value > 0)) throw new TypeError(`EmulatorOptions.${name} must be a positive number, got ${String(value)}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new TypeError(`EmulatorOptions.${name} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}

/** `value` when it is an integer ≥ 0; otherwise a `TypeError` naming it. @internal */
export function nonNegativeInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got ${String(value)}`);
  return value;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
