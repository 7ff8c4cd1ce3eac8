/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the
 * same sequence of numbers in [0, 1). Pass it wherever astro-rx takes a
 * `random` option (the client's jitter, the emulator's activity feed) to make a
 * test, a soak or a benchmark reproducible. Not for anything secret.
 *
 * @example
 * ```ts
 * import { seededRandom, startEmulator } from 'astro-rx/testing';
 * const emulator = await startEmulator({ random: seededRandom(42) });
 * ```
 * @category Testing
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
