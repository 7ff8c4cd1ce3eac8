import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { isKnownTopic, topicScope } from '../protocol/topics';
import { normalizeTokenType } from '../protocol/tokenType';
import { redact } from '../errors/redact';
import { monotonicUlid, ulidTime } from './ulid';
import { tokenSigner, type IssueTokenOptions, type TokenSigner, type TokenSubscription } from './tokens';
import { tokenBucket, type TokenBucket } from './tokenBucket';
import { startActivityFeed, type ActivityFeedOptions } from './activity';
import { httpApiHandler } from './httpApi';

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
}

/** What {@link Emulator.publish} did. @category Testing */
export interface PublishResult {
  /** The ULID of the `message` frame (the same for every recipient). */
  readonly id: string;
  /** How many sockets the frame was sent to. */
  readonly delivered: number;
}

/** One (topic, canonical room) subscription. @category Testing */
export interface SubscriptionInfo {
  readonly topic: string;
  readonly room: string;
}

/** A snapshot of one live connection. @category Testing */
export interface ConnectionInfo {
  /** The `client_id` its `welcome` carried. */
  readonly clientId: string;
  readonly subscriptions: readonly SubscriptionInfo[];
  /** Whether it was opened with a valid `reconnect_token` (its subscriptions were restored). */
  readonly restored: boolean;
  /** Text frames received (including rate-limited and unanswered ones; binary frames are not counted). */
  readonly commandsReceived: number;
  /** Whether it was sent a `reconnect` frame and will be closed at the end of the drain. */
  readonly draining: boolean;
  /** Whether `faults.silence` is on for it. */
  readonly silenced: boolean;
}

/** Counters since the emulator started. @category Testing */
export interface EmulatorStats {
  /** Connections accepted and welcomed (restored ones included, rejected reconnects not). */
  readonly connectionsOpened: number;
  /** Text frames received on all connections. */
  readonly commandsReceived: number;
  /** Successful subscribe responses (duplicates included). */
  readonly subscribes: number;
  /** Successful unsubscribe responses. */
  readonly unsubscribes: number;
  /** `rate_limit_exceeded` responses sent (bucket and `faults.failNextCommands`). */
  readonly rateLimited: number;
  readonly upgradesRefused429: number;
  readonly upgradesRefused502: number;
  readonly reconnectsAccepted: number;
  readonly reconnectsRejected: number;
  /** `message` frames sent (one per recipient). */
  readonly messagesDelivered: number;
  readonly pingsSent: number;
  /** Connections terminated because no PONG arrived within `pongTimeoutMs`. */
  readonly terminatedNoPong: number;
}

/** Faults to inject on demand. @category Testing */
export interface EmulatorFaults {
  /** Abrupt loss: `terminate()` every connection (no close frame, no `reconnect` frame). */
  dropAll(): void;
  /** Abrupt loss of one connection (no-op for an unknown id). */
  drop(clientId: string): void;
  /**
   * Sends `data` as it is (a string as a text frame, a Buffer as a binary frame) to one
   * connection, or to all. Sent even to silenced connections.
   */
  sendRaw(data: string | Buffer, clientId?: string): void;
  /**
   * A dead link: the connection(s) get nothing (no frames, no pings, no pong answers), their
   * commands are dropped unanswered, and the pong timeout is suspended; the socket stays open.
   * Without `clientId` it applies to the connections open now (not to later ones).
   * Frames published meanwhile are lost, not buffered.
   */
  silence(on: boolean, clientId?: string): void;
  /** The next `count` upgrades are refused with `status` (429 carries `Retry-After`). */
  refuseUpgrades(status: 429 | 502, count: number): void;
  /**
   * The next `count` well-formed subscribe commands fail with `code` instead of being authorized.
   * `rate_limit_exceeded` carries no nonce (and the command is dropped).
   */
  failNextCommands(code: 'err_deadline_exceeded' | 'err_internal_error' | 'rate_limit_exceeded', count?: number): void;
  /** The next `count` `reconnect_token` upgrades are treated as invalid (closed at once with 4001). */
  rejectNextReconnects(count?: number): void;
}

/** A running gateway emulator. @category Testing */
export interface Emulator {
  /** `ws://host:port`. */
  readonly url: string;
  /** `http://host:port` (the HTTP API, when enabled). */
  readonly httpUrl: string;
  /** Issues a signed token (`scopes` default `['*']`, `type` default `'jwt'`, lifetime default 24 h). */
  issueToken(opts: IssueTokenOptions): string;
  /** Sends one `message` frame to every connection subscribed to (topic, canonical room), draining ones included. */
  publish(topic: string, room: string, data: unknown): PublishResult;
  /**
   * Graceful handover: sends `reconnect` (with a single-use token holding the connection's
   * subscriptions) to every connection, refuses fresh upgrades with 502, accepts token upgrades,
   * and after `drainGraceMs` closes the old connections with 1001. Resolves once they are closed
   * and fresh upgrades are accepted again. Calling it again while a drain runs returns the same promise.
   */
  drain(): Promise<void>;
  /** Terminates every connection, stops every timer and frees the port. Idempotent. */
  close(): Promise<void>;
  /** A snapshot of every live connection (draining ones included). */
  connections(): ConnectionInfo[];
  /** Subscriptions over all live, non-draining connections, optionally for one topic and/or (canonical) room. */
  subscriptionCount(topic?: string, room?: string): number;
  /** A snapshot of the counters. */
  readonly stats: EmulatorStats;
  readonly faults: EmulatorFaults;
  /** Publishes random activities and session updates to `rooms`; returns stop. */
  startActivity(opts: ActivityFeedOptions): () => void;
}

/** The close codes the emulator uses. @category Testing */
export const EMULATOR_CLOSE_CODES = {
  /** The end of a drain's grace period. */
  goingAway: 1001,
  /** An invalid, expired, reused or tampered `reconnect_token` (or `faults.rejectNextReconnects`). */
  reconnectRejected: 4001,
} as const;

/** The `data.message` of the emulator's `welcome` frames (the documented flavour text). @category Testing */
export const WELCOME_MESSAGE = 'You are in a maze of dank memes, all alike.';
/** The `data.message` of `reconnect` frames. @category Testing */
export const RECONNECT_MESSAGE = 'The server is shutting down.';

/**
 * Starts an offline emulator of the Astro gateway on loopback: a real `ws`
 * WebSocket server that follows the documented protocol (welcome, subscribe /
 * unsubscribe with nonce echo, token scopes and rooms, the command rate limit,
 * PING heartbeats, `reconnect` handovers with `reconnect_token`, 429/502 upgrade
 * refusals) and lets tests publish events and inject faults. Node only.
 *
 * @example
 * ```ts
 * import { startEmulator } from 'astro-rx/testing';
 * const emulator = await startEmulator();
 * const token = emulator.issueToken({ channel: '603abc123', scopes: ['activities:read'] });
 * // … connect a client to emulator.url and subscribe with `token` …
 * emulator.publish('channel.activities', '603abc123', { type: 'follow', provider: 'twitch' });
 * await emulator.close();
 * ```
 * @category Testing
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new GatewayEmulator(resolveOptions(options));
  await emulator.listen();
  return emulator;
}

// implementation

interface Resolved {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly burst: number;
  readonly refillMs: number;
  readonly connectionRateLimit: { readonly max: number; readonly windowMs: number; readonly retryAfterSeconds: number } | false;
  readonly roomAliases: Readonly<Record<string, string>>;
  readonly drainGraceMs: number;
  readonly reconnectTokenTtlMs: number;
  readonly httpApi: boolean;
  readonly maxPayloadBytes: number;
  readonly random: () => number;
}

interface Conn {
  readonly clientId: string;
  readonly socket: WebSocket;
  readonly subs: Map<string, SubscriptionInfo>;
  readonly restored: boolean;
  readonly bucket: TokenBucket;
  readonly closed: Promise<void>;
  commandsReceived: number;
  draining: boolean;
  silenced: boolean;
  pingTimer?: ReturnType<typeof setInterval>;
  pongTimer?: ReturnType<typeof setTimeout>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type FaultCode = Parameters<EmulatorFaults['failNextCommands']>[0];

// Node turns delays above 2^31 - 1 ms into 1 ms; such values mean "never" here.
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Above this (JSON characters), a reconnect token refers to subscriptions the emulator keeps. */
const MAX_EMBEDDED_SUBS_CHARS = 2048;
const CLOSE_HANDSHAKE_TIMEOUT_MS = 1000;
const FAULT_CODES: readonly string[] = ['err_deadline_exceeded', 'err_internal_error', 'rate_limit_exceeded'];
const FAULT_MESSAGES: Readonly<Record<FaultCode, string>> = {
  err_deadline_exceeded: 'authorization timed out, please retry',
  err_internal_error: 'internal error',
  rate_limit_exceeded: 'rate limit exceeded, slow down',
};
const noop = (): void => undefined;

class GatewayEmulator implements Emulator {
  url = '';
  httpUrl = '';
  readonly faults: EmulatorFaults;

  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly signer: TokenSigner;
  private readonly ulid = monotonicUlid();
  private readonly conns = new Map<string, Conn>();
  /** Every accepted socket, registered or being closed at once (rejected reconnects). */
  private readonly sockets = new Set<WebSocket>();
  private readonly feeds = new Set<() => void>();
  private readonly usedReconnectTokens = new Map<string, number>();
  // Subscriptions of reconnect tokens too large to carry them, by token id, until they expire.
  private readonly keptHandovers = new Map<string, { subs: readonly TokenSubscription[]; expiresAt: number }>();
  private readonly acceptedUpgrades: number[] = [];
  private readonly refusals: (429 | 502)[] = [];
  private readonly commandFaults: FaultCode[] = [];
  private readonly counters: Mutable<EmulatorStats> = {
    connectionsOpened: 0,
    commandsReceived: 0,
    subscribes: 0,
    unsubscribes: 0,
    rateLimited: 0,
    upgradesRefused429: 0,
    upgradesRefused502: 0,
    reconnectsAccepted: 0,
    reconnectsRejected: 0,
    messagesDelivered: 0,
    pingsSent: 0,
    terminatedNoPong: 0,
  };
  private reconnectRejections = 0;
  private draining = false;
  private drainPromise: Promise<void> | undefined;
  private finishDrain: (() => void) | undefined;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly o: Resolved) {
    this.signer = tokenSigner(o.secret);
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      autoPong: false,
      maxPayload: o.maxPayloadBytes,
      perMessageDeflate: false,
    });
    this.wss.on('error', noop);
    const api = o.httpApi ? httpApiHandler(this, { maxBodyBytes: o.maxPayloadBytes }) : undefined;
    this.server = http.createServer((req, res) => {
      if (api) return api(req, res);
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket', Connection: 'close' });
      res.end('Upgrade Required: this is a WebSocket endpoint\n');
    });
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.faults = this.createFaults();
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off('error', reject);
        this.server.on('error', noop);
        const address = this.server.address();
        const port = typeof address === 'object' && address ? address.port : this.o.port;
        const host = this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host;
        this.url = `ws://${host}:${port}`;
        this.httpUrl = `http://${host}:${port}`;
        resolve();
      });
    });
  }

  get stats(): EmulatorStats {
    return { ...this.counters };
  }

  issueToken(opts: IssueTokenOptions): string {
    return this.signer.issue(opts);
  }

  publish(topic: string, room: string, data: unknown): PublishResult {
    if (typeof topic !== 'string' || topic === '') throw new TypeError('publish: topic must be a non-empty string');
    if (typeof room !== 'string') throw new TypeError('publish: room must be a string');
    const canonical = this.canonical(room);
    const { id, ts } = this.stamp();
    const text = JSON.stringify({ id, ts, type: 'message', topic, room: canonical, data: data === undefined ? null : data });
    const key = subKey(topic, canonical);
    let delivered = 0;
    for (const conn of this.conns.values()) {
      if (conn.subs.has(key) && this.sendText(conn, text)) delivered++;
    }
    this.counters.messagesDelivered += delivered;
    return { id, delivered };
  }

  drain(): Promise<void> {
    if (this.closing) return Promise.resolve();
    if (this.drainPromise) return this.drainPromise;
    this.draining = true;
    const old = [...this.conns.values()].filter((c) => !c.draining);
    for (const conn of old) {
      conn.draining = true;
      const subs: TokenSubscription[] = [...conn.subs.values()].map((s) => [s.topic, s.room]);
      // Few subscriptions travel in the token (another node with the same secret can restore them);
      // many would make the upgrade URL longer than HTTP servers accept, so this node keeps them.
      const embed = JSON.stringify(subs).length <= MAX_EMBEDDED_SUBS_CHARS;
      const token = this.signer.issueReconnect(conn.clientId, embed ? subs : undefined, this.o.reconnectTokenTtlMs);
      if (!embed) {
        const verified = this.signer.verifyReconnect(token);
        if (verified.ok) this.keptHandovers.set(verified.claims.jti, { subs, expiresAt: verified.claims.exp * 1000 });
      }
      this.sendFrame(conn, { ...this.stamp(), type: 'reconnect', data: { message: RECONNECT_MESSAGE, reconnect_token: token } });
    }
    this.drainPromise = new Promise<void>((resolve) => {
      this.finishDrain = () => {
        this.draining = false;
        this.drainPromise = undefined;
        this.finishDrain = undefined;
        resolve();
      };
      this.drainTimer = setTimeout(() => {
        this.drainTimer = undefined;
        void Promise.all(old.map((c) => this.closeGracefully(c, EMULATOR_CLOSE_CODES.goingAway, 'going away'))).then(() =>
          this.finishDrain?.(),
        );
      }, Math.min(this.o.drainGraceMs, MAX_TIMER_MS));
    });
    return this.drainPromise;
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    for (const stop of [...this.feeds]) stop();
    for (const conn of this.conns.values()) this.clearTimers(conn);
    for (const socket of this.sockets) socket.terminate();
    this.finishDrain?.();
    this.closing = new Promise<void>((resolve) => {
      this.wss.close(() => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
    });
    return this.closing;
  }

  connections(): ConnectionInfo[] {
    return [...this.conns.values()].map((c) => ({
      clientId: c.clientId,
      subscriptions: [...c.subs.values()].map((s) => ({ ...s })),
      restored: c.restored,
      commandsReceived: c.commandsReceived,
      draining: c.draining,
      silenced: c.silenced,
    }));
  }

  subscriptionCount(topic?: string, room?: string): number {
    const canonical = room === undefined ? undefined : this.canonical(room);
    let n = 0;
    for (const conn of this.conns.values()) {
      if (conn.draining) continue;
      for (const s of conn.subs.values()) {
        if ((topic === undefined || s.topic === topic) && (canonical === undefined || s.room === canonical)) n++;
      }
    }
    return n;
  }

  startActivity(opts: ActivityFeedOptions): () => void {
    if (this.closing) throw new Error('startActivity: the emulator is closed');
    const stopFeed = startActivityFeed((topic, room, data) => this.publish(topic, room, data), opts, this.o.random);
    const stop = (): void => {
      stopFeed();
      this.feeds.delete(stop);
    };
    this.feeds.add(stop);
    return stop;
  }

  // upgrades

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', noop);
    if (this.closing) {
      socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const reconnectToken = url.searchParams.get('reconnect_token');
    const fault = this.refusals.shift();
    if (fault !== undefined) return this.refuse(socket, fault);
    if (reconnectToken === null && this.draining) return this.refuse(socket, 502);
    if (!this.admitConnection()) return this.refuse(socket, 429);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, reconnectToken));
  }

  // Sliding window over accepted upgrades.
  private admitConnection(): boolean {
    const limit = this.o.connectionRateLimit;
    if (!limit) return true;
    const now = Date.now();
    while (this.acceptedUpgrades.length > 0 && (this.acceptedUpgrades[0] ?? 0) <= now - limit.windowMs) this.acceptedUpgrades.shift();
    if (this.acceptedUpgrades.length >= limit.max) return false;
    this.acceptedUpgrades.push(now);
    return true;
  }

  private refuse(socket: Duplex, status: 429 | 502): void {
    const headers: Record<string, string | number> = { Connection: 'close', 'Content-Type': 'text/plain; charset=utf-8' };
    let body: string;
    if (status === 429) {
      this.counters.upgradesRefused429++;
      const limit = this.o.connectionRateLimit;
      headers['Retry-After'] = limit ? limit.retryAfterSeconds : 2;
      body = 'Too Many Requests: too many connection attempts\n';
    } else {
      this.counters.upgradesRefused502++;
      body = 'Bad Gateway: this node is draining\n';
    }
    headers['Content-Length'] = Buffer.byteLength(body);
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${head}\r\n\r\n${body}`);
  }

  private onConnection(ws: WebSocket, reconnectToken: string | null): void {
    ws.on('error', noop);
    if (this.closing) {
      ws.terminate();
      return;
    }
    this.sockets.add(ws);
    ws.once('close', () => this.sockets.delete(ws));
    let restoredSubs: readonly TokenSubscription[] | undefined;
    if (reconnectToken !== null) {
      restoredSubs = this.redeem(reconnectToken);
      if (!restoredSubs) {
        this.counters.reconnectsRejected++;
        ws.close(EMULATOR_CLOSE_CODES.reconnectRejected, 'invalid reconnect token');
        const kill = setTimeout(() => ws.terminate(), CLOSE_HANDSHAKE_TIMEOUT_MS);
        ws.once('close', () => clearTimeout(kill));
        return;
      }
      this.counters.reconnectsAccepted++;
    }
    const conn: Conn = {
      clientId: this.ulid(),
      socket: ws,
      subs: new Map(),
      restored: restoredSubs !== undefined,
      bucket: tokenBucket({ burst: this.o.burst, intervalMs: this.o.refillMs }),
      closed: new Promise((resolve) => ws.once('close', () => resolve())),
      commandsReceived: 0,
      draining: false,
      silenced: false,
    };
    for (const [topic, room] of restoredSubs ?? []) conn.subs.set(subKey(topic, room), { topic, room });
    this.conns.set(conn.clientId, conn);
    ws.once('close', () => {
      this.clearTimers(conn);
      this.conns.delete(conn.clientId);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(conn, data, isBinary));
    ws.on('ping', (data: Buffer) => {
      if (!conn.silenced && ws.readyState === WebSocket.OPEN) ws.pong(data);
    });
    ws.on('pong', () => {
      if (!conn.silenced) conn.pongTimer?.refresh();
    });
    if (this.o.pingIntervalMs <= MAX_TIMER_MS) {
      conn.pingTimer = setInterval(() => {
        if (conn.silenced || ws.readyState !== WebSocket.OPEN) return;
        ws.ping();
        this.counters.pingsSent++;
      }, this.o.pingIntervalMs);
    }
    this.armPongTimer(conn);
    this.counters.connectionsOpened++;
    this.sendFrame(conn, { ...this.stamp(), type: 'welcome', data: { message: WELCOME_MESSAGE, client_id: conn.clientId } });
  }

  // The subscriptions of a valid, unused reconnect token (and marks it used), or undefined.
  private redeem(token: string): readonly TokenSubscription[] | undefined {
    if (this.reconnectRejections > 0) {
      this.reconnectRejections--;
      return undefined;
    }
    const verified = this.signer.verifyReconnect(token);
    if (!verified.ok) return undefined;
    const { jti, exp } = verified.claims;
    for (const [id, kept] of this.keptHandovers) if (kept.expiresAt <= Date.now()) this.keptHandovers.delete(id);
    const subs = verified.claims.subs ?? this.keptHandovers.get(jti)?.subs;
    this.keptHandovers.delete(jti);
    if (subs === undefined) return undefined;
    const now = Date.now();
    for (const [used, expiry] of this.usedReconnectTokens) if (expiry <= now) this.usedReconnectTokens.delete(used);
    if (this.usedReconnectTokens.has(jti)) return undefined;
    this.usedReconnectTokens.set(jti, exp * 1000);
    return subs;
  }

  private armPongTimer(conn: Conn): void {
    if (conn.pongTimer !== undefined) clearTimeout(conn.pongTimer);
    conn.pongTimer = undefined;
    // Without pings no client can pong, so there is no deadline either.
    if (this.o.pongTimeoutMs > MAX_TIMER_MS || this.o.pingIntervalMs > MAX_TIMER_MS) return;
    conn.pongTimer = setTimeout(() => {
      conn.pongTimer = undefined;
      this.counters.terminatedNoPong++;
      conn.socket.terminate();
    }, this.o.pongTimeoutMs);
  }

  private clearTimers(conn: Conn): void {
    if (conn.pingTimer !== undefined) clearInterval(conn.pingTimer);
    if (conn.pongTimer !== undefined) clearTimeout(conn.pongTimer);
    conn.pingTimer = undefined;
    conn.pongTimer = undefined;
  }

  private closeGracefully(conn: Conn, code: number, reason: string): Promise<void> {
    const ws = conn.socket;
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    this.clearTimers(conn);
    if (conn.silenced) {
      ws.terminate();
    } else {
      if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
      const kill = setTimeout(() => ws.terminate(), CLOSE_HANDSHAKE_TIMEOUT_MS);
      void conn.closed.then(() => clearTimeout(kill));
    }
    return conn.closed;
  }

  // commands

  private onMessage(conn: Conn, data: RawData, isBinary: boolean): void {
    if (isBinary || this.closing) return;
    conn.commandsReceived++;
    this.counters.commandsReceived++;
    if (conn.silenced) return;
    if (!conn.bucket.take()) {
      this.counters.rateLimited++;
      this.respond(conn, undefined, 'rate_limit_exceeded', FAULT_MESSAGES.rate_limit_exceeded);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(rawText(data));
    } catch {
      this.respond(conn, undefined, 'err_bad_request', 'the command is not valid JSON');
      return;
    }
    if (!isRecord(value)) {
      this.respond(conn, undefined, 'err_bad_request', 'a command must be a JSON object');
      return;
    }
    const nonce = typeof value['nonce'] === 'string' ? value['nonce'] : undefined;
    const type = value['type'];
    if (type !== 'subscribe' && type !== 'unsubscribe') {
      const shown = typeof type === 'string' ? JSON.stringify(clip(type)) : 'missing';
      this.respond(conn, nonce, 'invalid_message_type', `invalid message type (${shown}): expected subscribe or unsubscribe`);
      return;
    }
    if (value['nonce'] !== undefined && nonce === undefined) {
      this.respond(conn, undefined, 'err_bad_request', 'nonce must be a string');
      return;
    }
    if (type === 'subscribe') this.subscribe(conn, value['data'], nonce);
    else this.unsubscribe(conn, value['data'], nonce);
  }

  private subscribe(conn: Conn, data: unknown, nonce: string | undefined): void {
    const token = isRecord(data) && typeof data['token'] === 'string' ? data['token'] : undefined;
    const fail = (code: string, message: string): void => this.respond(conn, nonce, code, redact(message, token ? [token] : []));
    const target = this.target(data, 'subscribe');
    if (typeof target === 'string') return fail('err_bad_request', target);
    const { topic, room } = target;
    if (token === undefined) return fail('err_bad_request', 'data.token is required to subscribe');
    const rawType = isRecord(data) ? data['token_type'] : undefined;
    const tokenType = typeof rawType === 'string' ? normalizeTokenType(rawType) : undefined;
    if (rawType !== undefined && tokenType === undefined) {
      return fail('err_bad_request', 'data.token_type must be one of jwt, oauth2, apikey');
    }
    const fault = this.commandFaults.shift();
    if (fault === 'rate_limit_exceeded') {
      this.counters.rateLimited++;
      this.respond(conn, undefined, fault, FAULT_MESSAGES[fault]);
      return;
    }
    if (fault !== undefined) return fail(fault, FAULT_MESSAGES[fault]);

    const verified = this.signer.verify(token);
    if (!verified.ok) {
      return fail('err_unauthorized', verified.reason === 'expired' ? 'the token has expired' : 'the token is not valid');
    }
    const claims = verified.claims;
    if (tokenType !== undefined && tokenType !== claims.type) {
      return fail('err_unauthorized', `token_type ${tokenType} does not match the kind of token sent`);
    }
    const scope = topicScope(topic);
    if (scope && !claims.scopes.includes('*') && !claims.scopes.includes(scope)) {
      return fail('err_unauthorized', `the token lacks the scope ${scope} required by ${topic}`);
    }
    const canonical = this.canonical(room);
    const channel = this.canonical(claims.channel);
    if (canonical !== '' && channel !== '*' && canonical !== channel) {
      return fail('err_unauthorized', `the token does not grant access to room ${JSON.stringify(clip(canonical))}`);
    }
    conn.subs.set(subKey(topic, canonical), { topic, room: canonical });
    this.counters.subscribes++;
    this.respond(conn, nonce, undefined, { message: 'successfully subscribed to topic', topic, room: canonical });
  }

  private unsubscribe(conn: Conn, data: unknown, nonce: string | undefined): void {
    const target = this.target(data, 'unsubscribe');
    if (typeof target === 'string') return this.respond(conn, nonce, 'err_bad_request', target);
    const { topic, room } = target;
    if (room === '') {
      for (const [key, s] of conn.subs) if (s.topic === topic) conn.subs.delete(key);
      this.counters.unsubscribes++;
      return this.respond(conn, nonce, undefined, { message: 'successfully unsubscribed from topic', topic });
    }
    const canonical = this.canonical(room);
    conn.subs.delete(subKey(topic, canonical));
    this.counters.unsubscribes++;
    this.respond(conn, nonce, undefined, { message: 'successfully unsubscribed from topic', topic, room: canonical });
  }

  // The (topic, requested room) of a command's data, or what is wrong with it.
  private target(data: unknown, command: string): { topic: string; room: string } | string {
    if (!isRecord(data)) return `${command} needs a data object`;
    const topic = data['topic'];
    if (typeof topic !== 'string' || topic === '') return 'data.topic is required';
    if (!isKnownTopic(topic)) return `unknown topic ${JSON.stringify(clip(topic))}`;
    const room = data['room'];
    if (room !== undefined && typeof room !== 'string') return 'data.room must be a string';
    return { topic, room: room ?? '' };
  }

  // frames

  private respond(conn: Conn, nonce: string | undefined, error: string | undefined, data: string | Record<string, unknown>): void {
    this.sendFrame(conn, {
      ...this.stamp(),
      type: 'response',
      ...(nonce !== undefined ? { nonce } : {}),
      ...(error !== undefined ? { error } : {}),
      data: typeof data === 'string' ? { message: data } : data,
    });
  }

  private sendFrame(conn: Conn, frame: object): boolean {
    return this.sendText(conn, JSON.stringify(frame));
  }

  private sendText(conn: Conn, text: string): boolean {
    if (conn.silenced || conn.socket.readyState !== WebSocket.OPEN) return false;
    conn.socket.send(text);
    return true;
  }

  // A fresh ULID and the RFC 3339 time (UTC, second precision) it encodes.
  private stamp(): { id: string; ts: string } {
    const id = this.ulid();
    return { id, ts: new Date(ulidTime(id)).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  private canonical(room: string): string {
    return Object.prototype.hasOwnProperty.call(this.o.roomAliases, room) ? (this.o.roomAliases[room] ?? room) : room;
  }

  private targets(clientId: string | undefined): Conn[] {
    if (clientId === undefined) return [...this.conns.values()];
    const conn = this.conns.get(clientId);
    return conn ? [conn] : [];
  }

  private createFaults(): EmulatorFaults {
    return {
      dropAll: () => {
        for (const conn of [...this.conns.values()]) conn.socket.terminate();
      },
      drop: (clientId) => {
        this.conns.get(clientId)?.socket.terminate();
      },
      sendRaw: (data, clientId) => {
        for (const conn of this.targets(clientId)) {
          if (conn.socket.readyState !== WebSocket.OPEN) continue;
          if (typeof data === 'string') conn.socket.send(data);
          else conn.socket.send(data, { binary: true });
        }
      },
      silence: (on, clientId) => {
        for (const conn of this.targets(clientId)) {
          if (conn.silenced === on) continue;
          conn.silenced = on;
          if (on) {
            if (conn.pongTimer !== undefined) clearTimeout(conn.pongTimer);
            conn.pongTimer = undefined;
          } else if (conn.socket.readyState === WebSocket.OPEN) {
            this.armPongTimer(conn);
          }
        }
      },
      refuseUpgrades: (status, count) => {
        if (status !== 429 && status !== 502) throw new TypeError(`refuseUpgrades: status must be 429 or 502, got ${String(status)}`);
        for (let i = 0; i < nonNegativeInt(count, 'refuseUpgrades: count'); i++) this.refusals.push(status);
      },
      failNextCommands: (code, count = 1) => {
        if (!FAULT_CODES.includes(code)) throw new TypeError(`failNextCommands: unsupported code ${JSON.stringify(code)}`);
        for (let i = 0; i < nonNegativeInt(count, 'failNextCommands: count'); i++) this.commandFaults.push(code);
      },
      rejectNextReconnects: (count = 1) => {
        this.reconnectRejections += nonNegativeInt(count, 'rejectNextReconnects: count');
      },
    };
  }
}

function resolveOptions(options: EmulatorOptions): Resolved {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new TypeError(`EmulatorOptions.host must be a loopback address, got ${JSON.stringify(host)}`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`EmulatorOptions.port must be 0…65535, got ${port}`);
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  if (typeof secret !== 'string' || secret === '') throw new TypeError('EmulatorOptions.secret must be a non-empty string');
  const limit = options.connectionRateLimit ?? false;
  if (limit !== false) {
    positive(limit.max, 'connectionRateLimit.max');
    positive(limit.windowMs, 'connectionRateLimit.windowMs');
    if (limit.retryAfterSeconds !== undefined) nonNegativeInt(limit.retryAfterSeconds, 'connectionRateLimit.retryAfterSeconds');
  }
  const aliases = options.roomAliases ?? {};
  if (Object.values(aliases).some((v) => typeof v !== 'string')) throw new TypeError('EmulatorOptions.roomAliases values must be strings');
  return {
    host,
    port,
    secret,
    pingIntervalMs: positive(options.pingIntervalMs ?? 30_000, 'pingIntervalMs'),
    pongTimeoutMs: positive(options.pongTimeoutMs ?? 70_000, 'pongTimeoutMs'),
    burst: positive(options.rateLimit?.burst ?? 100, 'rateLimit.burst'),
    refillMs: positive(options.rateLimit?.intervalMs ?? 100, 'rateLimit.intervalMs'),
    connectionRateLimit: limit && { max: limit.max, windowMs: limit.windowMs, retryAfterSeconds: limit.retryAfterSeconds ?? 2 },
    roomAliases: { ...aliases },
    drainGraceMs: nonNegative(options.drainGraceMs ?? 5000, 'drainGraceMs'),
    reconnectTokenTtlMs: positive(options.reconnectTokenTtlMs ?? 30_000, 'reconnectTokenTtlMs'),
    httpApi: options.httpApi ?? false,
    maxPayloadBytes: positive(options.maxPayloadBytes ?? 1024 * 1024, 'maxPayloadBytes'),
    random: options.random ?? Math.random,
  };
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

function nonNegativeInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got ${String(value)}`);
  return value;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function subKey(topic: string, room: string): string {
  return `${topic}\u0000${room}`;
}

function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
