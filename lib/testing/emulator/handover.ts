import type { Handovers, Redeemed } from '../gateway/handover';
import { splitKey, subKey } from '../gateway/subscriptions';
import type { TokenSigner, TokenSubscription } from '../tokens';

/** Above this (JSON characters), a reconnect token refers to subscriptions the emulator keeps. */
const MAX_EMBEDDED_SUBS_CHARS = 2048;

interface Kept {
  readonly from: number;
  readonly expiresAt: number;
  source: ReadonlySet<string>;
  frozen: boolean;
}

/**
 * The emulator's reconnect tokens: signed JWS-shaped tokens (another emulator
 * with the same secret accepts them) that carry the snapshot when it is small
 * and taken with the `reconnect` frame; otherwise (large, or `tokenUse`) this
 * emulator keeps the subscriptions under the token's id. Single use.
 * `rejectNext()` returning `true` refuses a redeem without using the token up.
 *
 * @internal
 */
export function signedHandovers(signer: TokenSigner, rejectNext: () => boolean, now: () => number): Handovers {
  const kept = new Map<string, Kept>();
  const used = new Map<string, number>();
  const prune = (at: number): void => {
    for (const [jti, k] of kept) if (k.expiresAt <= at) kept.delete(jti);
    for (const [jti, expiry] of used) if (expiry <= at) used.delete(jti);
  };
  return {
    issue(from, held, timing, _now, ttlMs, clientId) {
      const subs: TokenSubscription[] = [...held].map((key) => {
        const { topic, room } = splitKey(key);
        return [topic, room];
      });
      const embed = timing === 'reconnectFrame' && JSON.stringify(subs).length <= MAX_EMBEDDED_SUBS_CHARS;
      const token = signer.issueReconnect(clientId, embed ? subs : undefined, ttlMs);
      const verified = signer.verifyReconnect(token);
      if (!embed && verified.ok) {
        const frozen = timing === 'reconnectFrame';
        kept.set(verified.claims.jti, { from, expiresAt: verified.claims.exp * 1000, source: frozen ? new Set(held) : held, frozen });
      }
      return token;
    },
    freeze(from) {
      for (const k of kept.values()) {
        if (k.from === from && !k.frozen) {
          k.source = new Set(k.source);
          k.frozen = true;
        }
      }
    },
    redeem(token): Redeemed {
      if (rejectNext()) return { ok: false, reason: 'unknown' };
      const verified = signer.verifyReconnect(token);
      if (!verified.ok) return { ok: false, reason: verified.reason === 'expired' ? 'expired' : 'unknown' };
      const { jti, exp, subs } = verified.claims;
      prune(now());
      const restored = subs ? new Set(subs.map(([topic, room]) => subKey(topic, room))) : kept.get(jti)?.source;
      if (restored === undefined) return { ok: false, reason: 'unknown' };
      if (used.has(jti)) return { ok: false, reason: 'used' };
      kept.delete(jti);
      used.set(jti, exp * 1000);
      return { ok: true, from: -1, subscriptions: new Set(restored) };
    },
  };
}
