import type { RawFrame } from '../protocol/decode';

/**
 * The subset of the standard `WebSocket` API astro-rx uses. The browser's
 * `WebSocket`, Deno's, and the `ws` package's all fit.
 *
 * @category Transport
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType?: string;
  /** Sends a text frame. */
  send(data: string): void;
  /** Starts the closing handshake (astro-rx closes with 1000). */
  close(code?: number, reason?: string): void;
  /** Listens to `open`, `message`, `close` and `error`. */
  addEventListener(type: string, listener: (event: never) => void): void;
  /** Removes a listener added with `addEventListener`. */
  removeEventListener(type: string, listener: (event: never) => void): void;
}

/** Options of {@link openSocket}. @category Transport */
export interface OpenSocketOptions {
  /** With `ws`, frames over this size (plus 1 KiB) close the socket (1009) instead of being buffered. */
  readonly maxFrameBytes?: number;
  /**
   * How long, after unsubscribing, the closing handshake may take. A socket not
   * CLOSED by then is terminated when it can be (the `ws` package's `terminate()`;
   * browsers have none, and their socket is left to finish closing on its own).
   * Without it, a dead link not yet detected holds a Node process for up to
   * `ws`'s 30 s close timeout. `Infinity` waits for the handshake.
   * @defaultValue 1000
   */
  readonly closeTimeoutMs?: number;
}

/** A `WebSocket` constructor, injectable for tests and other runtimes. @category Transport */
export type WebSocketCtor = new (url: string) => WebSocketLike;

/** What a socket reports while it lives. @category Transport */
export type SocketEvent =
  | { readonly type: 'open'; readonly socket: SocketHandle }
  | { readonly type: 'frame'; readonly data: RawFrame }
  /** A WebSocket ping control frame arrived (only where the runtime exposes pings, e.g. `ws` in Node). */
  | { readonly type: 'ping' };

/** Sends on an open socket. @category Transport */
export interface SocketHandle {
  /** Sends a text frame; returns `false` (and sends nothing) when the socket is not open. */
  send(text: string): boolean;
  /** Whether the runtime lets this socket see pings (liveness can be checked). */
  readonly observesPings: boolean;
}

/**
 * Opens one socket per subscription: emits `open`, then `frame`s and `ping`s;
 * errors with an `AstroError` when the socket closes or the upgrade is refused
 * (`upgrade_refused` with `status`/`retryAfterMs`, `transport` with
 * `closeCode`/`closeReason`); unsubscribing closes it with code 1000 (and
 * terminates it if the closing handshake does not finish promptly).
 *
 * @category Transport
 */
export type OpenSocket = (url: string) => import('rxjs').Observable<SocketEvent>;
