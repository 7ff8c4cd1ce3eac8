import type { IssueTokenOptions } from '../tokens';
import type { ActivityFeedOptions } from '../activityFeed';
import type { GatewaySwitches, GatewaySwitchesInput } from '../gateway/types';

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

/** Faults and race switches to inject on demand. @category Testing */
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
  /**
   * The next `count` commands of any kind (malformed ones included) get a nonce-less
   * `rate_limit_exceeded`, as if the gateway's bucket were empty.
   */
  rejectNext(count: number): void;
  /**
   * Changes the race switches while the emulator runs (see {@link GatewaySwitches}; `oldSocketCloseMs`
   * is the `drainGraceMs` option). Applies to what happens next; returns the switches now in force.
   */
  set(switches: GatewaySwitchesInput): GatewaySwitches;
  /** The race switches in force. */
  switches(): GatewaySwitches;
  /**
   * A handover of one connection only: sends it a `reconnect` frame and closes it after
   * `oldSocketCloseMs`, without refusing fresh upgrades. Returns the token (`undefined`
   * for an unknown or already draining connection).
   */
  handover(clientId: string): string | undefined;
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
