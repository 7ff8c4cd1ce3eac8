import type { SchedulerLike, Observable } from 'rxjs';
import type { TokenType } from '../protocol/tokenType';
import type { TopicName, TopicPayload } from '../protocol/topics';
import type { ServerFrame } from '../protocol/frames';
import type { PayloadCodecs } from '../protocol/payloadCodecs';
import type { OpenSocket, WebSocketCtor } from '../transport/types';
import type { Logger } from '../util/logger';
import type { AstroError } from '../errors/astroError';

/** Options of {@link createAstroClient}. @category Client */
export interface AstroClientOptions {
  /** The gateway. @defaultValue `'wss://astro.streamelements.com'` */
  readonly url?: string;
  /** The default token for every `topic()` that does not bring its own. */
  readonly token?: string;
  /** @defaultValue `'jwt'` */
  readonly tokenType?: TokenType | 'oauth';
  /** The WebSocket implementation. @defaultValue `ws` in Node, `globalThis.WebSocket` elsewhere */
  readonly WebSocketCtor?: WebSocketCtor;
  /**
   * Replaces the WebSocket transport: a function from a URL to an Observable of
   * socket events. Tests use a fake gateway on virtual time here.
   */
  readonly openSocket?: OpenSocket;
  /**
   * The gateway's command bucket: `burst` commands at once, then one per `intervalMs`.
   * The client leaves `reserve` tokens of the burst unused, so that its clock and the
   * gateway's disagreeing by a millisecond never costs a rejection.
   * @defaultValue `{ burst: 100, intervalMs: 100, reserve: 2 }`
   */
  readonly rateLimit?: { readonly burst?: number; readonly intervalMs?: number; readonly reserve?: number };
  /** Reconnection backoff. @defaultValue `{ initialDelayMs: 1000, maxDelayMs: 30000, factor: 2, jitter: true }` */
  readonly backoff?: {
    readonly initialDelayMs?: number;
    readonly maxDelayMs?: number;
    readonly factor?: number;
    readonly jitter?: boolean;
    /** A connection must stay welcomed this long before the attempt counter resets. @defaultValue 5000 */
    readonly minUptimeMs?: number;
  };
  /** @defaultValue 10000 */
  readonly requestTimeoutMs?: number;
  /** In Node: no ping and no frame for this long means the link is dead. `0` disables. @defaultValue 75000 */
  readonly heartbeatTimeoutMs?: number;
  /** Keep the socket this long after the last subscriber leaves. @defaultValue 0 */
  readonly lazyCloseMs?: number;
  /**
   * Check each message's payload against its topic's codec (mismatches are reported, still delivered).
   * Pass the codecs from `astro-rx/payloads`: `PAYLOAD_CODECS` for every documented topic, or a map of
   * the topics to check (`{ 'channel.tips': TipPayload }`); a topic not in the map is not checked, and
   * a bundle holds only the codecs it imports. `true` means every documented topic in Node; a browser
   * build ships no codecs of its own and throws a `TypeError` for `true`.
   * @defaultValue false
   */
  readonly validatePayloads?: boolean | PayloadCodecs;
  /** Frames larger than this are reported and dropped. @defaultValue 1 MiB */
  readonly maxFrameBytes?: number;
  /** How long to send no command after the gateway answered `rate_limit_exceeded`. @defaultValue 1000 */
  readonly rateLimitPauseMs?: number;
  /**
   * The least delay before reconnecting after a failure whose cause the transport cannot
   * see: a browser sees a refused upgrade (HTTP 429) only as close 1006.
   * @defaultValue 2000 where the transport cannot see HTTP statuses (browsers, a custom `WebSocketCtor`), else 0
   */
  readonly reconnectFloorMs?: number;
  /** How often a subscribe failing with a retryable code (or unanswered) is tried again before its topic errors. @defaultValue 5 */
  readonly subscribeRetries?: number;
  /** Allow `ws://` to a host that is not loopback. @defaultValue false */
  readonly allowInsecure?: boolean;
  /** Where the client writes what it does. Silent by default. Tokens are redacted. */
  readonly logger?: Logger;
  /** The scheduler for every timer (tests pass a TestScheduler). @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
  /** Random numbers for jitter. @defaultValue `Math.random` */
  readonly random?: () => number;
  /**
   * How many connections to spread the subscriptions over. Each subscription key (topic, canonical
   * room, token) goes to one connection by rendezvous hashing; each connection has its own command
   * bucket, heartbeat, handover and backoff, and they open one after another (each after the previous
   * one's `welcome`). See docs/scale-out.md. @defaultValue 1
   */
  readonly connections?: number;
  /** Nonces for commands. @defaultValue `crypto.randomUUID` */
  readonly nonce?: () => string;
  /**
   * Emits when the network is probably back. In browsers it defaults to the
   * `online` event and a page restored from the back/forward cache.
   */
  readonly wakeups?: Observable<unknown>;
}

/** Options of {@link AstroClient.topic}. @category Client */
export interface TopicOptions {
  /** The room (a channel id). @defaultValue `''` (the gateway's global room) */
  readonly room?: string;
  /** A token for this topic only. @defaultValue the client's `token` */
  readonly token?: string;
  readonly tokenType?: TokenType | 'oauth';
  /** `events()` only: how many events may wait while the loop body is busy. @defaultValue 1000 */
  readonly bufferSize?: number;
  /**
   * `events()` only: what happens when more wait: `'error'` ends the loop with an
   * `AstroError` (`buffer_overflow`); `'dropOldest'` drops the oldest and reports it on `warnings$`.
   * @defaultValue 'error'
   */
  readonly overflow?: 'error' | 'dropOldest';
}

/**
 * One event of a topic: a `message` frame with its `data` typed by the topic
 * registry.
 *
 * @category Client
 */
export interface TopicMessage<T extends string = TopicName> {
  readonly id?: string;
  readonly ts?: string;
  readonly topic: T;
  /** The room the gateway published to (the canonical room; the requested one when the frame has none). */
  readonly room: string;
  readonly data: TopicPayload<T>;
}

/**
 * A time window in which events may have been missed: the connection was lost
 * (not handed over with a token) and subscriptions were restored only at `to`.
 * Times are `scheduler.now()` values (milliseconds since the epoch by default).
 *
 * @category Client
 */
export interface Gap {
  readonly from: number;
  readonly to: number;
  readonly cause: string;
  /** The connection whose subscriptions the window concerns (a client with a `connections` option). */
  readonly connection?: number;
}

/** The connection's status, replayed to late subscribers of `state$`. @category Client */
export interface ConnectionState {
  readonly status: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
  /** The gateway's id for this connection, once welcomed. */
  readonly clientId?: string;
  /** The reconnection attempt (1 for the first retry). */
  readonly attempt?: number;
  /** While `reconnecting`: how long until the next attempt. */
  readonly retryInMs?: number;
  /** Set on the first `open` after an unexpected disconnect: events since `from` may be missing. */
  readonly gap?: { readonly from: number; readonly cause: string };
  /** The last error that closed a connection. Never contains a token. */
  readonly lastError?: { readonly code: string; readonly message: string };
  /** With a `connections` option: each connection's own state, by index (the status above is the least advanced). */
  readonly connections?: readonly ConnectionState[];
}

/** Counters a service can graph. Cumulative since the client was created. @category Client */
export interface ClientMetrics {
  readonly connects: number;
  readonly reconnects: { readonly handover: number; readonly closed: number; readonly error: number; readonly refused: number; readonly heartbeat: number; readonly handover_failed: number; readonly wakeup: number };
  readonly gaps: number;
  readonly commandsSent: number;
  readonly commandsFailed: number;
  readonly rateLimited: number;
  /** The most recent and the largest round trip of a command, in ms. */
  readonly commandLatencyMs: { readonly last: number; readonly max: number };
  /** Commands waiting in the queue, and the longest wait of a sent command, in ms. */
  readonly queue: { readonly depth: number; readonly maxWaitMs: number };
  readonly duplicatesDropped: number;
  readonly decodeFailures: number;
  readonly messages: number;
  readonly activeSubscriptions: number;
  /** With a `connections` option: the same counters per connection, by index (`activeSubscriptions`: the keys it owns). */
  readonly connections?: readonly (Omit<ClientMetrics, 'connections'> & { readonly connection: number })[];
}

/** One connection's counters in a pool. @internal */
export type ConnectionMetrics = NonNullable<ClientMetrics['connections']>[number];

/** The client. @category Client */
export interface AstroClient {
  /**
   * A cold Observable of one topic's events in one room. Subscriptions are
   * shared: the first subscriber sends `subscribe`, the last to leave sends
   * `unsubscribe`. It errors with an {@link AstroError} when the gateway refuses
   * the subscription for good (`err_unauthorized`, `err_bad_request`); it
   * survives reconnections. If the connection itself fails for good (the
   * `wakeups` Observable errors), every topic and `frames$` errors; one that
   * subscribes again (`retry()`) opens a new connection.
   */
  topic<T extends TopicName>(topic: T, options?: TopicOptions): Observable<TopicMessage<T>>;
  /**
   * The same as {@link AstroClient.topic}, as an async iterable for `for await`
   * (leaving the loop unsubscribes). At most `bufferSize` events wait while the
   * loop body is busy; see {@link TopicOptions.overflow}.
   */
  events<T extends TopicName>(topic: T, options?: TopicOptions): AsyncIterable<TopicMessage<T>>;
  /** Every decoded frame (subscribing opens the connection, like a topic; it errors like a topic when the connection fails for good). */
  readonly frames$: Observable<ServerFrame>;
  /** The connection's state; replays the current one. Does not open the connection. */
  readonly state$: Observable<ConnectionState>;
  /** Windows in which events may have been missed. */
  readonly gaps$: Observable<Gap>;
  /** Counters (replays the current values). */
  readonly metrics$: Observable<ClientMetrics>;
  /** Errors that ended nothing but are worth knowing (decode failures, payload mismatches, events dropped by `events()`), as AstroErrors. */
  readonly warnings$: Observable<AstroError>;
  /**
   * Changes the number of connections (an integer ≥ 1). Only the subscriptions that rendezvous
   * hashing now assigns to another connection move (about 1/k of them when one is added), each
   * make-before-break: the new connection subscribes, the old one unsubscribes after its success,
   * and no event is lost or delivered twice in between. Extra connections close once emptied.
   * @throws AstroError `invalid_argument` for anything but an integer ≥ 1
   */
  setConnections(k: number): void;
  /** Closes the socket, errors nothing, completes every stream. */
  close(): void;
}
