import type { ConnectionEvent } from '../connection/events';
import type { Gap } from './types';

/**
 * Open windows of possible loss, until every subscription they concern is back.
 * `from` undefined: the subscriptions are being restored while an old socket still
 * delivers; a window opens only if that socket closes first.
 *
 * @internal
 */
export interface GapState {
  open?: { from?: number; cause: string; readonly waiting: Set<unknown> };
  lastCause: string;
  /** A handover failed and no session began since: whatever is lost is its doing. */
  failedHandover: boolean;
}

/** @internal */
export function createGaps(): GapState {
  return { lastCause: 'error', failedHandover: false };
}

/**
 * The gap tracker's transition over connection events: returns the gaps that
 * closed. `wanted` lists the entries that want a subscription right now.
 *
 * @internal
 */
export function stepGaps(s: GapState, e: ConnectionEvent, now: number, wanted: () => Iterable<unknown>): Gap[] {
  switch (e.type) {
    case 'disconnected':
      s.lastCause = s.failedHandover ? 'handover_failed' : e.cause;
      return [];
    case 'handover':
      if (e.phase === 'failed') s.lastCause = 'handover_failed';
      s.failedHandover = e.phase === 'failed';
      return [];
    case 'welcome':
      s.failedHandover = false;
      if (e.restored) {
        if (e.gapFrom === undefined) return [];
        if (s.open) {
          s.open.from = Math.min(s.open.from ?? e.gapFrom, e.gapFrom);
          return [];
        }
        return [{ from: e.gapFrom, to: now, cause: s.lastCause }];
      }
      s.open = {
        ...(e.gapFrom !== undefined || s.open?.from !== undefined ? { from: Math.min(e.gapFrom ?? Infinity, s.open?.from ?? Infinity) } : {}),
        cause: s.open?.cause ?? s.lastCause,
        waiting: new Set<unknown>(wanted()),
      };
      return settle(s, now);
    case 'loss':
      if (s.open) s.open.from = Math.min(s.open.from ?? e.at, e.at);
      return [];
    case 'lost':
      if (!s.open) s.open = { from: now, cause: 'resubscribe', waiting: new Set<unknown>() };
      s.open.from ??= now;
      for (const ref of e.refs) s.open.waiting.add(ref);
      return [];
    case 'subscribed':
    case 'failed':
      return done(s, e.refs, now);
    default:
      return [];
  }
}

/** These entries are back (or gone): the window may close. @internal */
export function done(s: GapState, refs: Iterable<unknown>, now: number): Gap[] {
  if (!s.open) return [];
  for (const ref of refs) s.open.waiting.delete(ref);
  return settle(s, now);
}

function settle(s: GapState, now: number): Gap[] {
  const open = s.open;
  if (!open || open.waiting.size > 0) return [];
  s.open = undefined;
  return open.from === undefined ? [] : [{ from: open.from, to: now, cause: open.cause }];
}
