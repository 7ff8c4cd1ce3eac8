/**
 * A first-in first-out queue with O(1) push, shift and membership, and a
 * `front` for what must go first (re-sends after a rate limit). An item is in
 * the queue at most once.
 *
 * @internal
 */
export class Lane<T> {
  private items: Array<T | undefined> = [];
  private head = 0;
  private readonly members = new Set<T>();

  get size(): number {
    return this.members.size;
  }

  has(item: T): boolean {
    return this.members.has(item);
  }

  push(item: T): void {
    if (this.members.has(item)) return;
    this.members.add(item);
    this.items.push(item);
  }

  /** Puts `item` first (moving it when already queued). */
  front(item: T): void {
    this.remove(item);
    this.members.add(item);
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  remove(item: T): void {
    if (!this.members.delete(item)) return;
    // a member is always in the queue, at or after `head`
    this.items[this.items.indexOf(item, this.head)] = undefined;
  }

  shift(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head];
      this.items[this.head++] = undefined;
      // Compacting drops only freed places, in order: when it happens is a matter of memory and time alone.
      // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: the thresholds are unobservable but for memory, whose bound the lane spec checks
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (item !== undefined && this.members.delete(item)) return item;
    }
    this.items = [];
    this.head = 0;
    return undefined;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.members.clear();
  }
}
