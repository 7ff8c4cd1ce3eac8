import { Observable, Subject, Subscriber, Subscription } from 'rxjs';
import type { ConnectionEvent, Intent } from '../../connection/events';

/** One connection of a pool. @internal */
export interface PoolSlot {
  readonly index: number;
  /** What this connection should hold, as changes (a fresh connection starts from the full list). */
  readonly intents: Subject<Intent>;
  /** Its `connect()` run, while the pool runs and its turn to open has come. */
  running: Subscription | undefined;
  /** Whether it was welcomed since it started: the next connection may open. */
  welcomed: boolean;
  /** Beyond the pool's size: it closes once its subscriptions have moved elsewhere. */
  retiring: boolean;
}

/**
 * The K connections of a pool as one held stream. Running it opens connection
 * 0; connection i + 1 opens once connection i was first welcomed, so that a
 * pool never asks the gateway for K upgrades at once (each connection's own
 * backoff honours a 429's `Retry-After`). Each connection is its own `connect()`,
 * with its own bucket, heartbeat, handover and backoff: nothing one does pauses
 * another. An error of any one ends the stream (as a client's single connection does).
 *
 * @internal
 */
export class PoolConnections {
  readonly slots: PoolSlot[] = [];
  private sink: Subscriber<never> | undefined;
  private active = 0;

  constructor(
    size: number,
    private readonly open: (slot: PoolSlot) => Observable<ConnectionEvent>,
    private readonly onEvent: (index: number, e: ConnectionEvent) => void,
  ) {
    this.resize(size);
  }

  /** How many connections the pool keeps (retiring ones aside). */
  get size(): number {
    return this.active;
  }

  get running(): boolean {
    return this.sink !== undefined;
  }

  /** Every connection, open or not; held while subscribed. */
  readonly run$: Observable<never> = new Observable<never>((subscriber) => {
    this.sink = subscriber;
    this.openNext();
    return () => {
      this.sink = undefined;
      for (const slot of this.slots) this.stop(slot);
    };
  });

  /** Grows (new connections open in turn) or shrinks (the extra ones retire until {@link PoolConnections.retire}). */
  resize(k: number): void {
    this.active = k;
    for (let i = 0; i < k; i++) {
      const slot = this.slots[i] ?? { index: i, intents: new Subject<Intent>(), running: undefined, welcomed: false, retiring: false };
      slot.retiring = false;
      this.slots[i] = slot;
    }
    for (const slot of this.slots.slice(k)) slot.retiring = true;
    this.openNext();
  }

  /** Closes retiring connections from the end while `empty(index)` says they hold nothing. */
  retire(empty: (index: number) => boolean): void {
    for (let last = this.slots[this.slots.length - 1]; last?.retiring && empty(last.index); last = this.slots[this.slots.length - 1]) {
      this.stop(last);
      last.intents.complete();
      this.slots.pop();
    }
  }

  close(): void {
    for (const slot of this.slots) slot.intents.complete();
  }

  // Opens the first connection not running whose predecessor was welcomed (retiring ones never reopen).
  private openNext(): void {
    if (!this.sink) return;
    for (const slot of this.slots) {
      if (slot.running) {
        if (!slot.welcomed) return;
        continue;
      }
      if (slot.retiring) return;
      this.start(slot);
      return;
    }
  }

  private start(slot: PoolSlot): void {
    const sink = this.sink as Subscriber<never>;
    // `welcomed` is false here: a slot starts unwelcomed, and stop() resets it.
    // Set before subscribing, so that an event emitted during `subscribe` cannot start it twice.
    const running = (slot.running = new Subscription());
    running.add(this.open(slot).subscribe({
      next: (e) => {
        this.onEvent(slot.index, e);
        // Opening the next is idempotent: a later welcome finds nothing more to open.
        if (e.type === 'welcome') {
          slot.welcomed = true;
          this.openNext();
        }
      },
      error: (err: unknown) => sink.error(err),
    }));
  }

  private stop(slot: PoolSlot): void {
    const running = slot.running;
    slot.running = undefined;
    slot.welcomed = false;
    running?.unsubscribe();
  }
}
