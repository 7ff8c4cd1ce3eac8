/**
 * The key a message is de-duplicated by, packed into six 32-bit words: its
 * ULID `id` (26 Crockford base32 characters, five words of 30 bits or fewer)
 * and a hash of its stream (topic and room). PROTOCOL.md A15: ids are only
 * unique within one topic/room stream. Packing keeps the de-duplication window
 * in one typed array, off the JS heap, whatever it holds.
 *
 * @internal
 */

/** Words per key: five for the id, one for the stream. */
export const KEY_WORDS = 6;

/** Characters of a ULID packed into each of the five id words. */
const CHUNKS = [6, 6, 6, 6, 2] as const;

// Crockford base32 as ULIDs are written: upper case, no I, L, O or U. Any other
// spelling (lower case, aliases) is keyed as a string, so that two different ids
// never share a key.
const DIGITS = new Int8Array(128).fill(-1);
'0123456789ABCDEFGHJKMNPQRSTVWXYZ'.split('').forEach((c, v) => (DIGITS[c.charCodeAt(0)] = v));

/**
 * Writes the key of (`id`, `topic`, `room`) into `out` at `at`; false, with
 * `out` left undefined, when `id` is not a ULID (the caller keys it as a string).
 */
export function packKey(id: string, topic: string, room: string, out: Int32Array, at: number): boolean {
  if (id.length !== 26) return false;
  let i = 0;
  let w = at;
  for (const chunk of CHUNKS) {
    let word = 0;
    for (const end = i + chunk; i < end; i++) {
      const digit = DIGITS[id.charCodeAt(i)] ?? -1;
      if (digit < 0) return false;
      word = (word << 5) | digit;
    }
    out[w++] = word;
  }
  out[w] = streamHash(topic, room);
  return true;
}

/** FNV-1a over `topic`, a separator and `room`. */
export function streamHash(topic: string, room: string): number {
  let h = 0x811c9dc5;
  const mix = (s: string): void => {
    // Stryker disable next-line EqualityOperator: equivalent, one more round mixes `NaN` (as 0) into every hash alike: another hash, as deterministic
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  };
  mix(topic);
  h = Math.imul(h ^ 0, 0x01000193);
  mix(room);
  return h | 0;
}

/** A hash of the key at `at` in `words`, for a table slot. */
export function keyHash(words: Int32Array, at: number): number {
  let h = 0x811c9dc5;
  for (let w = 0; w < KEY_WORDS; w++) h = Math.imul(h ^ (words[at + w] ?? 0), 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}
