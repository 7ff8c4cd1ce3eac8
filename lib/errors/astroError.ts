import type { ErrorCode } from '../protocol/errorCode';
import { isRetryable } from '../policies/isRetryable';
import type { DecodeFailure } from '../protocol/decodeFailure';

/**
 * Error codes raised by the client itself (as opposed to the gateway's
 * {@link ErrorCode}s):
 *
 * - `timeout`: no response arrived within `requestTimeoutMs`.
 * - `closed`: the connection or client closed before the operation finished.
 * - `decode`: a frame could not be decoded.
 * - `upgrade_refused`: the gateway refused the WebSocket upgrade (HTTP 429 / 502 …).
 * - `heartbeat_timeout`: no ping or frame arrived within `heartbeatTimeoutMs`.
 * - `insecure_url`: a `ws://` URL to a non-loopback host without `allowInsecure`.
 * - `invalid_argument`: an option or argument is out of range.
 * - `transport`: the socket failed (network error, abnormal close).
 * - `buffer_overflow`: a `for await` loop fell more than `bufferSize` events
 *   behind (see `eachEvent`); the iteration ended.
 *
 * @category Errors
 */
export type ClientErrorCode =
  | 'timeout'
  | 'closed'
  | 'decode'
  | 'upgrade_refused'
  | 'heartbeat_timeout'
  | 'insecure_url'
  | 'invalid_argument'
  | 'transport'
  | 'buffer_overflow';

/** Every code an {@link AstroError} can carry. @category Errors */
export type AstroErrorCode = ErrorCode | ClientErrorCode;

/** Structured context of an {@link AstroError}. Never holds a token. @category Errors */
export interface AstroErrorDetails {
  readonly topic?: string;
  readonly room?: string;
  readonly nonce?: string;
  /** The gateway's human-readable text, from a response's `data.message`. */
  readonly serverMessage?: string;
  /** The WebSocket close code and reason. */
  readonly closeCode?: number;
  readonly closeReason?: string;
  /** The HTTP status of a refused upgrade. */
  readonly status?: number;
  /** A refused upgrade's `Retry-After`, in milliseconds. */
  readonly retryAfterMs?: number;
  readonly failure?: DecodeFailure;
  readonly cause?: unknown;
}


/**
 * The one error type astro-rx emits. `code` says what happened (a gateway
 * {@link ErrorCode} or a {@link ClientErrorCode}); `details` holds structured
 * context. Messages never contain a token.
 *
 * @example
 * ```ts
 * import { AstroError } from 'astro-rx';
 * client.topic('channel.tips', { room }).subscribe({
 *   error: (e) => {
 *     if (e instanceof AstroError && e.code === 'err_unauthorized') showLogin();
 *   },
 * });
 * ```
 * @category Errors
 */
export class AstroError extends Error {
  override readonly name = 'AstroError';

  constructor(
    readonly code: AstroErrorCode,
    message: string,
    readonly details: AstroErrorDetails = {},
  ) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
  }

  /** Whether the operation may succeed if attempted again later. */
  get retryable(): boolean {
    return isRetryable(this);
  }
}

/**
 * Whether `e` is an {@link AstroError}, optionally with one of `codes`.
 *
 * @example
 * ```ts
 * import { isAstroError } from 'astro-rx';
 * client.topic('channel.tips', { room }).subscribe({
 *   error: (e) => {
 *     if (isAstroError(e, 'err_unauthorized')) askForANewToken();
 *   },
 * });
 * ```
 * @category Errors
 */
export function isAstroError(e: unknown, ...codes: AstroErrorCode[]): e is AstroError {
  return e instanceof AstroError && (codes.length === 0 || codes.includes(e.code));
}
