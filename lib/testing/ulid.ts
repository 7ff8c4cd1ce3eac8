import { randomBytes } from 'node:crypto';

/** Crockford's base32 alphabet (no I, L, O, U), as ULIDs use it. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LEN = 10;
const RANDOM_LEN = 16;
const MAX_TIME = 2 ** 48 - 1;
const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** Options of {@link monotonicUlid}. @category Testing */
export interface UlidConfig {
  /**
   * The clock, in milliseconds since the epoch.
   * @defaultValue `Date.now`
   */
  readonly now?: () => number;
  /**
   * A source of numbers in `[0, 1)` for the 80 random bits.
   * @defaultValue cryptographically random bytes
   */
  readonly random?: () => number;
}

/**
 * Creates a monotonic ULID generator: 26 characters of Crockford base32, a
 * 48-bit millisecond time followed by 80 random bits. Within one millisecond
 * (or when the clock goes backwards) the previous random part is incremented,
 * so every id is strictly greater than the one before, as a string too.
 *
 * Each call returns an independent generator: no state is shared between them.
 *
 * @example
 * ```ts
 * import { monotonicUlid } from 'astro-rx/testing';
 * const ulid = monotonicUlid();
 * const a = ulid();
 * const b = ulid();
 * a < b; // true
 * ```
 * @category Testing
 */
export function monotonicUlid(config: UlidConfig = {}): () => string {
  const now = config.now ?? Date.now;
  const random = config.random;
  let lastTime = -1;
  let lastRandom: number[] = [];

  const freshRandom = (): number[] => {
    if (random) return Array.from({ length: RANDOM_LEN }, () => Math.floor(random() * 32) & 31);
    const bytes = randomBytes(RANDOM_LEN);
    return Array.from(bytes, (b) => b & 31);
  };

  return () => {
    let time = Math.floor(now());
    if (!Number.isFinite(time) || time < 0 || time > MAX_TIME) {
      throw new RangeError(`ULID time must be between 0 and ${MAX_TIME}, got ${time}`);
    }
    if (time <= lastTime) {
      time = lastTime;
      if (!increment(lastRandom)) {
        // 80 bits exhausted within one millisecond: borrow the next millisecond.
        time = lastTime + 1;
        lastRandom = freshRandom();
      }
    } else {
      lastRandom = freshRandom();
    }
    lastTime = time;
    return encodeTime(time) + lastRandom.map((d) => ALPHABET[d]).join('');
  };
}

/** Whether `value` is a well-formed ULID (26 Crockford base32 characters, upper case). @category Testing */
export function isUlid(value: unknown): value is string {
  return typeof value === 'string' && ULID_RE.test(value);
}

/**
 * The millisecond timestamp a ULID encodes.
 *
 * @throws TypeError when `id` is not a ULID.
 * @category Testing
 */
export function ulidTime(id: string): number {
  if (!isUlid(id)) throw new TypeError(`not a ULID: ${JSON.stringify(id)}`);
  let time = 0;
  for (let i = 0; i < TIME_LEN; i++) time = time * 32 + ALPHABET.indexOf(id.charAt(i));
  return time;
}

function encodeTime(time: number): string {
  let out = '';
  let rest = time;
  for (let i = 0; i < TIME_LEN; i++) {
    const digit = rest % 32;
    out = ALPHABET.charAt(digit) + out;
    rest = (rest - digit) / 32;
  }
  return out;
}

// Adds one to a big-endian base32 digit array; false when it overflowed.
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digits[i] ?? 0;
    if (d < 31) {
      digits[i] = d + 1;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}
