/**
 * A first-in first-out queue of slot keys with O(1) push, shift and
 * membership, and a `front` for commands that must go first (re-sends after a
 * rate limit). A key is in the queue at most once.
 *
 * @internal
 */
export class Lane {
  private items: Array<string | undefined> = [];
  private head = 0;
  private readonly members = new Set<string>();

  get size(): number {
    return this.members.size;
  }

  has(key: string): boolean {
    return this.members.has(key);
  }

  push(key: string): void {
    if (this.members.has(key)) return;
    this.members.add(key);
    this.items.push(key);
  }

  /** Puts `key` first (moving it when already queued). */
  front(key: string): void {
    if (this.members.has(key)) this.remove(key);
    this.members.add(key);
    if (this.head > 0) this.items[--this.head] = key;
    else this.items.unshift(key);
  }

  remove(key: string): void {
    if (!this.members.delete(key)) return;
    const at = this.items.indexOf(key, this.head);
    if (at >= 0) this.items[at] = undefined;
  }

  shift(): string | undefined {
    while (this.head < this.items.length) {
      const key = this.items[this.head];
      this.items[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (key !== undefined && this.members.delete(key)) return key;
    }
    return undefined;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.members.clear();
  }
}
