import { IdWindow } from './idWindow';

/**
 * De-duplication of messages by id around a handover, when two sockets may
 * deliver the same events. Armed at the `reconnect` frame; after the switch it
 * stays on for `window` more messages (or while an old socket still delivers),
 * so that the hot path pays nothing in steady state.
 *
 * @internal
 */
export class Dedupe {
  private readonly ids: IdWindow;
  private budget = 0;
  // Stryker disable next-line BooleanLiteral: equivalent, `overlap` is read only while the budget is positive, which only arm() makes so, and arm() sets it
  private overlap = false;

  constructor(private readonly window: number) {
    this.ids = new IdWindow(window);
  }

  /** A second socket may deliver the same events from now on. */
  arm(): void {
    this.ids.clear();
    this.budget = this.window;
    this.overlap = true;
  }

  /** The switch happened; `stillOverlapping` while an old socket still delivers. */
  settle(stillOverlapping: boolean): void {
    this.overlap = stillOverlapping;
    // `window` more checks from here (their count only runs down once no old socket delivers); a spent budget stays spent
    if (this.budget > 0) this.budget = this.window;
  }

  /** Whether this id was delivered already (and remembers it). */
  seen(id: string): boolean {
    if (this.budget <= 0) return false;
    if (!this.overlap) this.budget--;
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    return false;
  }
}
