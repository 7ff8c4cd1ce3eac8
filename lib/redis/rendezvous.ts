/**
 * Rendezvous (highest random weight) hashing: each key goes to the worker with
 * the highest score of hash(worker, key). Adding or removing a worker moves only
 * the keys whose best worker changed, about 1/N of them.
 */

/** A 32-bit hash of a string (FNV-1a, then a murmur3 finaliser for avalanche). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The worker that owns `key` among `workers` (ties go to the smaller id); `undefined` when there is none. */
export function ownerOf(key: string, workers: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const w of workers) {
    const score = hash32(`${w}\u0000${key}`);
    if (score > bestScore || (score === bestScore && best !== undefined && w < best)) {
      best = w;
      bestScore = score;
    }
  }
  return best;
}
