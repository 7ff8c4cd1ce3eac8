/**
 * Rendezvous (highest random weight) hashing: each key goes to the connection
 * that scores it highest. Changing the number of connections from k to k + 1
 * moves only the keys the new connection now wins (about 1/(k + 1) of them), and
 * going back moves exactly those back; no key moves between two old connections.
 *
 * Pure and deterministic: the same key and index always score the same, in every
 * process. The hash is MurmurHash3 (x86, 32-bit) over the UTF-16 code units,
 * with its finalizer as the per-connection mix. Tokens are hashed in memory only:
 * the hash is used for placement, and neither it nor the token is logged or kept.
 *
 * @internal
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
/** The odd constant (2^32 / φ) that spreads connection indexes before mixing. */
const GOLDEN = 0x9e3779b1;

/** MurmurHash3's avalanche finalizer: every input bit flips each output bit with probability ~1/2. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86 32 of a string's UTF-16 code units (two per 32-bit block), continuing from `seed`. */
export function hashString(text: string, seed = 0): number {
  let h = seed | 0;
  const n = text.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = mixBlock(h, (text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)) >>> 0);
  if (i < n) {
    let k = Math.imul(text.charCodeAt(i), C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  return fmix32(h ^ (n * 2));
}

function mixBlock(h: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, C2);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * The hash of a subscription key (topic, room, token): each part hashed in turn,
 * chained through the seed, so that no string holding the token is ever built.
 */
export function keyHash(topic: string, room: string, token: string): number {
  return hashString(token, hashString(room, hashString(topic, 0x2545f491)));
}

/** The score of connection `index` for a key hash: the key wins the connection with the highest. */
export function score(key: number, index: number): number {
  return fmix32((key ^ fmix32(Math.imul(index + 1, GOLDEN))) >>> 0);
}

/** The connection (0 … k - 1) that owns a key among `k`: the highest score, the lowest index on a tie. */
export function ownerOf(key: number, k: number): number {
  let best = 0;
  let bestScore = score(key, 0);
  for (let i = 1; i < k; i++) {
    const s = score(key, i);
    // Stryker disable next-line EqualityOperator: scores of distinct indexes never tie (fmix32 and the odd multiplier are bijections)
    if (s > bestScore) {
      best = i;
      bestScore = s;
    }
  }
  return best;
}
