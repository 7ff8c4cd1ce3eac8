import type { AstroError } from '../errors/astroError';
import type { ResolvedBackoffConfig } from '../policies/backoffDelay';
import type { DisconnectCause } from './disconnectCause';

/** One socket, as the link machine sees it. @internal */
export interface LinkInfo {
  readonly n: number;
  readonly role: 'fresh' | 'token';
  welcomedAt?: number;
}

/**
 * Which sockets exist and what each is for. `active` carries the session;
 * `pending` is opening to replace it (a token handover, or a fresh socket after a
 * refused one); `draining` sockets still deliver until the gateway closes them.
 *
 * @internal
 */
export interface LinksState {
  nextN: number;
  /** Failed attempts in a row: the backoff exponent. */
  attempt: number;
  active?: LinkInfo;
  pending?: LinkInfo;
  readonly draining: LinkInfo[];
  /** A fresh socket opens at this time. */
  retryAt?: number;
  /** Between a `reconnect` frame and the next session. */
  handingOver: boolean;
  /** The socket that got the `reconnect` frame was welcomed: the gateway has subscriptions to restore. */
  restoring: boolean;
  hadSession: boolean;
  /** Since when events may be lost (the last frame of a socket that closed). */
  lossFrom?: number;
}

/** @internal */
export type LinksInput =
  | { readonly type: 'start' }
  | { readonly type: 'welcome'; readonly n: number; readonly clientId: string }
  | { readonly type: 'reconnect'; readonly n: number; readonly token: string }
  | { readonly type: 'down'; readonly n: number; readonly error: AstroError; readonly lastFrameAt: number | undefined }
  | { readonly type: 'wakeup' }
  | { readonly type: 'tick' };

/** @internal */
export type LinksOutput =
  | { readonly type: 'open'; readonly n: number; readonly token?: string }
  | { readonly type: 'close'; readonly n: number }
  | { readonly type: 'connecting'; readonly attempt: number }
  | { readonly type: 'session'; readonly n: number; readonly restored: boolean; readonly clientId: string; readonly gapFrom?: number }
  | { readonly type: 'crossing' }
  | { readonly type: 'handover'; readonly phase: 'started' | 'completed' | 'failed' }
  | { readonly type: 'down'; readonly cause: DisconnectCause; readonly error: AstroError; readonly lastFrameAt?: number }
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly retryInMs: number }
  /** A draining socket closed while the new session was being set up: events since `at` may be lost. */
  | { readonly type: 'loss'; readonly at: number };

/** @internal */
export interface LinksConfig {
  readonly backoff: ResolvedBackoffConfig;
  /** A session must last this long for the attempt counter to reset. */
  readonly minUptimeMs: number;
  /** The least delay after a failure the transport could not see the reason of (browsers: 2000). */
  readonly blindFloorMs: number;
}

/** @internal */
export function createLinks(): LinksState {
  return {
    nextN: 0,
    attempt: 0,
    draining: [],
    handingOver: false,
    // Stryker disable next-line BooleanLiteral: equivalent, read only for a token socket, and the reconnect that opens one sets it first
    restoring: false,
    hadSession: false,
  };
}
