/**
 * A set of the most recent `capacity` ids: adding past capacity forgets the
 * oldest. Bounded memory for de-duplication.
 *
 * @internal
 */
export class IdWindow {
  private readonly ids = new Set<string>();
  private readonly order: string[] = [];
  private head = 0;

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new TypeError(`dedupeWindow must be >= 1, got ${capacity}`);
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    // Stryker disable next-line ConditionalExpression: equivalent, while the window fills `head` stays at the end of `order` in the ring too (it wraps to 0 just as the window is full), so pushing is only the plain case of it
    if (this.ids.size >= this.capacity) {
      const oldest = this.order[this.head];
      this.order[this.head] = id;
      this.head = (this.head + 1) % this.capacity;
      // Stryker disable next-line ConditionalExpression: equivalent, a full window has an id at every slot of `order` (the test only narrows the type; deleting undefined would change nothing either)
      if (oldest !== undefined) this.ids.delete(oldest);
    } else {
      this.order.push(id);
    }
    this.ids.add(id);
  }

  clear(): void {
    this.ids.clear();
    this.order.length = 0;
    this.head = 0;
  }
}
