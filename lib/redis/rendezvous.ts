/**
 * Rendezvous (highest random weight) hashing: each key goes to the worker with
 * the highest score of hash(worker, key). Adding or removing a worker moves only
 * the keys whose best worker changed, about 1/N of them.
 */
import { hashString } from '../client/pool/rendezvous';

/** A 32-bit hash of a string: the pool's MurmurHash3 (one hash for both kinds of placement). */
export function hash32(s: string): number {
  return hashString(s);
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
