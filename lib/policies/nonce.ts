/** The parts of Web Crypto that {@link defaultNonce} uses, when present. */
interface CryptoLike {
  randomUUID?: () => string;
  getRandomValues?: <T extends ArrayBufferView | null>(array: T) => T;
}

/**
 * A fresh nonce for a command: a random RFC 4122 version 4 UUID.
 *
 * Uses `globalThis.crypto.randomUUID()` where it exists (Node ≥ 19, browsers
 * in secure contexts); else builds the UUID from `crypto.getRandomValues`, and
 * failing that from `Math.random`. It imports nothing from Node, so it runs in
 * browsers too. Nonces only need to be unique per connection, not secret.
 *
 * ```text
 * call:    1st                                    2nd
 * result:  3b241101-e2bb-4255-8caf-4136c566a962   9f1c…  (always fresh)
 * ```
 *
 * @example A nonce for a command
 * ```ts
 * import { defaultNonce } from 'astro-rx/protocol';
 * defaultNonce();
 * // Output (random): '3b241101-e2bb-4255-8caf-4136c566a962'
 * ```
 * @returns A lower-case UUID such as `3b241101-e2bb-4255-8caf-4136c566a962`.
 * @see {@link uuidV4} for the fallback.
 * @category Policies
 */
export function defaultNonce(): string {
  const crypto = (globalThis as { crypto?: CryptoLike }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  if (typeof crypto?.getRandomValues === 'function') {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return uuidV4((i) => bytes[i] ?? 0);
  }
  return uuidV4();
}

/**
 * An RFC 4122 version 4 UUID built from 16 random bytes: byte 6 carries the
 * version (`4`), byte 8 the variant (`10xx`).
 *
 * ```text
 * bytes:  00 01 02 03 - 04 05 - 06 07 - 08 09 - 0a 0b 0c 0d 0e 0f
 *                               ^ 0100xxxx  ^ 10xxxxxx
 * ```
 *
 * @example Deterministic in a test
 * ```ts
 * import { uuidV4 } from 'astro-rx/protocol';
 * uuidV4(() => 0);
 * // Output: '00000000-0000-4000-8000-000000000000'
 * ```
 * @param randomByte Returns byte number `index` (0–15) as an integer 0–255;
 *   by default `Math.floor(Math.random() * 256)`.
 * @category Policies
 */
export function uuidV4(randomByte: (index: number) => number = () => Math.floor(Math.random() * 256)): string {
  let hex = '';
  for (let i = 0; i < 16; i++) {
    let byte = randomByte(i) & 0xff;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    if (i === 8) byte = (byte & 0x3f) | 0x80;
    hex += byte.toString(16).padStart(2, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
