import type { SnapshotTiming } from './types';

/** Why a reconnect token was refused (the new socket is closed at once, §10 step 5). @category Testing */
export type RedeemFailure = 'unknown' | 'used' | 'expired';

/** The outcome of {@link Handovers.redeem}. @category Testing */
export type Redeemed =
  | { readonly ok: true; readonly from: number; readonly subscriptions: ReadonlySet<string> }
  | { readonly ok: false; readonly reason: RedeemFailure };

/**
 * The reconnect tokens of one gateway: each names the drained connection and
 * either a snapshot of its subscriptions taken with the `reconnect` frame, or
 * (`tokenUse`) a promise to take it when the token is used — or when the old
 * connection closes, whichever comes first. Tokens are single use.
 *
 * @category Testing
 */
export interface Handovers {
  /** A new token for connection `from`. `held` is its live subscription set. */
  issue(from: number, held: ReadonlySet<string>, timing: SnapshotTiming, now: number, ttlMs: number, clientId: string): string;
  /** Freezes pending `tokenUse` snapshots of `from` (call before its subscriptions are dropped). */
  freeze(from: number): void;
  /** Uses a token: the subscriptions to restore, or why not. */
  redeem(token: string, now: number): Redeemed;
}

interface Entry {
  readonly from: number;
  readonly expiresAt: number;
  /** The live set until frozen (tokenUse), or a copy (reconnectFrame / frozen). */
  source: ReadonlySet<string>;
  frozen: boolean;
  used: boolean;
}

/** Creates an empty {@link Handovers}; `random` makes the tokens unguessable-looking (and reproducible). @category Testing */
export function handovers(random: () => number): Handovers {
  const entries = new Map<string, Entry>();
  let seq = 0;
  const freezeEntry = (e: Entry): void => {
    if (!e.frozen) {
      e.source = new Set(e.source);
      e.frozen = true;
    }
  };
  return {
    issue(from, held, timing, now, ttlMs) {
      // JWS-looking (§1), with characters that must be URL-encoded.
      const token = `eyJhbGciOiJIUzI1NiIs.${(++seq).toString(36)}.${Math.floor(random() * 2 ** 48).toString(36)}+/=`;
      const entry: Entry = { from, expiresAt: now + ttlMs, source: held, frozen: false, used: false };
      if (timing === 'reconnectFrame') freezeEntry(entry);
      entries.set(token, entry);
      return token;
    },
    freeze(from) {
      for (const e of entries.values()) if (e.from === from) freezeEntry(e);
    },
    redeem(token, now) {
      const e = entries.get(token);
      if (e === undefined) return { ok: false, reason: 'unknown' };
      if (e.used) return { ok: false, reason: 'used' };
      if (now >= e.expiresAt) return { ok: false, reason: 'expired' };
      e.used = true;
      freezeEntry(e);
      return { ok: true, from: e.from, subscriptions: e.source };
    },
  };
}
