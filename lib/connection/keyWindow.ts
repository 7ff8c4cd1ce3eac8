import { KEY_WORDS, keyHash } from './messageKey';

/**
 * The most recent `capacity` message keys (see `messageKey.ts`): adding past
 * capacity forgets the oldest. A ring of keys and an open-addressing table of
 * ring slots, both typed arrays allocated once, so what it holds never grows
 * the JS heap. Linear probing, with backward-shift deletion.
 *
 * @internal
 */
export class KeyWindow {
  private readonly keys: Int32Array;
  /** Ring slot + 1 of the key hashed here, or 0. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private head = 0;
  private count = 0;

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new TypeError(`dedupeWindow must be >= 1, got ${capacity}`);
    this.keys = new Int32Array(capacity * KEY_WORDS);
    let size = 2;
    // Stryker disable next-line EqualityOperator: equivalent, `<=` only makes some tables twice as large (a lower load, the same answers)
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Whether the key at `at` in `words` is held. */
  has(words: Int32Array, at: number): boolean {
    return this.find(words, at) >= 0;
  }

  /** Adds the key at `at` in `words` (not held: check with `has` first). */
  add(words: Int32Array, at: number): void {
    if (this.count === this.capacity) this.remove(this.head);
    else this.count++;
    const slot = this.head;
    this.keys.set(words.subarray(at, at + KEY_WORDS), slot * KEY_WORDS);
    let p = keyHash(this.keys, slot * KEY_WORDS) & this.mask;
    while (this.table[p] !== 0) p = (p + 1) & this.mask;
    this.table[p] = slot + 1;
    this.head = (slot + 1) % this.capacity;
  }

  clear(): void {
    this.table.fill(0);
    this.head = 0;
    this.count = 0;
  }

  /** The table position of the key, or -1. */
  private find(words: Int32Array, at: number): number {
    for (let p = keyHash(words, at) & this.mask; this.table[p] !== 0; p = (p + 1) & this.mask) {
      if (this.equals(((this.table[p] ?? 0) - 1) * KEY_WORDS, words, at)) return p;
    }
    return -1;
  }

  private equals(from: number, words: Int32Array, at: number): boolean {
    for (let w = 0; w < KEY_WORDS; w++) if (this.keys[from + w] !== words[at + w]) return false;
    return true;
  }

  /** Removes the key in ring `slot`, shifting back the entries probed past it. */
  private remove(slot: number): void {
    let hole = this.find(this.keys, slot * KEY_WORDS);
    for (let j = (hole + 1) & this.mask; this.table[j] !== 0; j = (j + 1) & this.mask) {
      const entry = this.table[j] ?? 0;
      const home = keyHash(this.keys, (entry - 1) * KEY_WORDS) & this.mask;
      // Stryker disable next-line EqualityOperator: equivalent, j never equals hole (the table always has an empty slot, so the scan stops before it wraps around to the hole)
      const wrapped = j < hole;
      // the entry stays when its home is cyclically in (hole, j]
      const stays = wrapped ? hole < home || home <= j : hole < home && home <= j;
      if (stays) continue;
      this.table[hole] = entry;
      hole = j;
    }
    this.table[hole] = 0;
  }
}
