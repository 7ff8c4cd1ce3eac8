/** A room canonicalisation rule: requested room → the room the gateway keys the subscription by. */
export type RoomAliases = Readonly<Record<string, string>>;

/** What a `subscribe` with no room (or `""`) means (PROTOCOL.md §5.2, ambiguity A1). @category Testing */
export type DefaultRoom = 'global' | 'tokenChannel';

/** When the handover snapshot of a draining connection's subscriptions is taken (§10). @category Testing */
export type SnapshotTiming = 'reconnectFrame' | 'tokenUse';

/** The answer to an upgrade that carries a `reconnect_token`. @category Testing */
export type TokenUpgrade = 'accept' | { readonly status: 429 | 502; readonly retryAfterMs?: number };

/** An HTTP refusal of an upgrade. `retryAfterMs` is the `Retry-After` of a 429 (2 s when left out). @category Testing */
export interface UpgradeRefusal {
  readonly status: number;
  readonly retryAfterMs?: number;
}

/** An inclusive `[min, max]` range of milliseconds; each use draws a whole number from it. @category Testing */
export type LatencyRange = readonly [min: number, max: number];

/**
 * The race switches of the gateway core: everything PROTOCOL.md leaves open or
 * lets the real gateway do in more than one way. All of them can be changed
 * while the gateway runs (`set(partial)`); a change applies to what happens next.
 *
 * @category Testing
 */
export interface GatewaySwitches {
  /** @defaultValue `'global'` */
  readonly defaultRoom: DefaultRoom;
  /** Authorization time of each subscribe; its answer and effect happen together at the end. @defaultValue `[0, 0]` */
  readonly authLatencyMs: LatencyRange;
  /** Time until an unsubscribe takes effect and is answered. @defaultValue `[0, 0]` */
  readonly unsubscribeLatencyMs: LatencyRange;
  /** @defaultValue `'reconnectFrame'` */
  readonly snapshot: SnapshotTiming;
  /** After a `reconnect` frame, the gateway closes the old socket (1001) this many ms later. @defaultValue 5000 */
  readonly oldSocketCloseMs: number;
  /** @defaultValue `'accept'` */
  readonly tokenUpgrade: TokenUpgrade;
  /** The per-connection command bucket. @defaultValue `{ burst: 100, intervalMs: 100 }` */
  readonly rateLimit: { readonly burst: number; readonly intervalMs: number };
  /** How long a reconnect token stays valid after its `reconnect` frame. @defaultValue 30000 */
  readonly reconnectTokenTtlMs: number;
  /** Time from an accepted upgrade to the `welcome` frame. @defaultValue 1 */
  readonly welcomeDelayMs: number;
}

/** A partial update of {@link GatewaySwitches} (`rateLimit` may be partial too). @category Testing */
export type GatewaySwitchesInput = Partial<Omit<GatewaySwitches, 'rateLimit'>> & {
  readonly rateLimit?: Partial<GatewaySwitches['rateLimit']>;
};

/** The outcome of an authorization. @category Testing */
export type AuthResult =
  | { readonly ok: true; readonly canonicalRoom: string }
  | { readonly ok: false; readonly error: 'err_unauthorized' | 'err_deadline_exceeded' | 'err_internal_error' | 'err_bad_request'; readonly message?: string };

/**
 * Decides one subscribe. `requestedRoom` is `""` when the command had no room;
 * `defaultRoom` says what that means right now.
 *
 * @category Testing
 */
export type Authorize = (
  token: string,
  tokenType: string,
  topic: string,
  requestedRoom: string,
  context: { readonly defaultRoom: DefaultRoom },
) => AuthResult;

/** A well-formed command as the gateway read it. `room` is `undefined` when absent. @category Testing */
export interface GatewayCommand {
  readonly type: 'subscribe' | 'unsubscribe';
  readonly nonce?: string;
  readonly topic: string;
  readonly room?: string;
  readonly token?: string;
  readonly tokenType?: string;
}

/** One frame the client sent. `command` is set when it was a well-formed command. @category Testing */
export interface WireEntry {
  readonly at: number;
  readonly conn: number;
  readonly text: string;
  readonly command?: GatewayCommand;
  /** Whether it was refused with a nonce-less `rate_limit_exceeded`. */
  readonly rateLimited: boolean;
}

/** One frame the gateway sent to a client. @category Testing */
export interface OutgoingEntry {
  readonly at: number;
  readonly conn: number;
  readonly data: string | Uint8Array;
}

/** One {@link GatewayCore.publish} call. @category Testing */
export interface PublishedEntry {
  readonly id: string;
  readonly topic: string;
  readonly room: string;
  readonly at: number;
  readonly deliveredTo: readonly number[];
}

/** What {@link GatewayCore.publish} did. @category Testing */
export interface PublishOutcome {
  readonly id: string;
  readonly delivered: number;
}

/** A read-only view of one connection (it keeps changing as the gateway runs). @category Testing */
export interface GatewayConnection {
  readonly index: number;
  readonly url: string;
  readonly clientId: string;
  /** `true` from the accepted upgrade until either side closes. */
  readonly live: boolean;
  readonly closed: boolean;
  readonly closedByClient: boolean;
  /** The close code, when the gateway closed it. */
  readonly closeCode?: number;
  readonly welcomed: boolean;
  /** Whether it was sent a `reconnect` frame. */
  readonly draining: boolean;
  /** Whether it was opened with a valid reconnect token. */
  readonly restored: boolean;
  /** Held subscriptions as `topic\u0000canonicalRoom` (emptied when it closes). */
  readonly held: ReadonlySet<string>;
}

/** A connection, by index or by its view. @category Testing */
export type ConnRef = number | { readonly index: number };

/** The socket side of one connection, as the core sees it. @category Testing */
export interface GatewayLink {
  /** Sends one frame to the client; `false` when it could not (then it does not count as delivered). */
  deliver(data: string | Uint8Array): boolean | void;
  /** The gateway closes the socket. */
  close(code: number, reason: string): void;
  /** Sends a WebSocket PING control frame (when the transport has them). */
  ping?(): void;
}

/** One upgrade request the gateway decided on. @category Testing */
export interface UpgradeEntry {
  readonly at: number;
  readonly url: string;
  /** The refusal status; absent when the upgrade was accepted. */
  readonly status?: number;
}

/**
 * What the core reports as it runs (for counters; the logs hold the details).
 * `rate_limited` covers the bucket, `rejectNext` and a `rate_limit_exceeded` subscribe fault.
 *
 * @category Testing
 */
export type GatewayEvent =
  | { readonly type: 'command'; readonly conn: number }
  | { readonly type: 'rate_limited'; readonly conn: number }
  | { readonly type: 'subscribed'; readonly conn: number; readonly topic: string; readonly room: string }
  | { readonly type: 'unsubscribed'; readonly conn: number; readonly topic: string }
  | { readonly type: 'welcomed'; readonly conn: number; readonly restored: boolean }
  | { readonly type: 'reconnect_rejected'; readonly conn: number; readonly reason: string }
  | { readonly type: 'published'; readonly id: string; readonly delivered: number };
