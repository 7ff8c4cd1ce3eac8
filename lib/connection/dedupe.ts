import { IdWindow } from './idWindow';
import { KeyWindow } from './keyWindow';
import { KEY_WORDS, packKey } from './messageKey';

/**
 * De-duplication of messages around a handover, when two sockets may deliver
 * the same events. A message is known by its `id` within its topic and room
 * (PROTOCOL.md A15). Armed at the `reconnect` frame; after the switch it stays
 * on for `window` more messages (or while an old socket still delivers), so
 * that the hot path pays nothing in steady state.
 *
 * ULID ids are held packed in a {@link KeyWindow} (a fixed, off-heap block,
 * allocated at the first handover); any other id as a string.
 *
 * @internal
 */
export class Dedupe {
  private keys: KeyWindow | undefined;
  private others: IdWindow | undefined;
  private readonly probe = new Int32Array(KEY_WORDS);
  private budget = 0;
  // Stryker disable next-line BooleanLiteral: equivalent, `overlap` is read only while the budget is positive, which only arm() makes so, and arm() sets it
  private overlap = false;

  constructor(private readonly window: number) {
    if (!(window >= 1)) throw new TypeError(`dedupeWindow must be >= 1, got ${window}`);
  }

  /** How many ids it holds (none once a handover's budget is spent). */
  get size(): number {
    return (this.keys?.size ?? 0) + (this.others?.size ?? 0);
  }

  /**
   * A second socket may deliver the same events from now on. The ids of an
   * earlier handover are kept: its old socket may still deliver.
   */
  arm(): void {
    this.budget = this.window;
    this.overlap = true;
  }

  /** The switch happened; `stillOverlapping` while an old socket still delivers. */
  settle(stillOverlapping: boolean): void {
    this.overlap = stillOverlapping;
    // `window` more checks from here (their count only runs down once no old socket delivers); a spent budget stays spent
    if (this.budget > 0) this.budget = this.window;
  }

  /** Whether this message was delivered already (and remembers it). */
  seen(id: string, topic: string, room: string): boolean {
    if (this.budget <= 0) return false;
    const repeat = this.check(id, topic, room);
    if (!this.overlap && --this.budget === 0) {
      // the last check: only one socket delivers from now on, so the ids are let go
      this.keys?.clear();
      this.others?.clear();
    }
    return repeat;
  }

  private check(id: string, topic: string, room: string): boolean {
    if (packKey(id, topic, room, this.probe, 0)) {
      const keys = (this.keys ??= new KeyWindow(this.window));
      if (keys.has(this.probe, 0)) return true;
      keys.add(this.probe, 0);
      return false;
    }
    const others = (this.others ??= new IdWindow(this.window));
    const key = `${topic}\u0000${room}\u0000${id}`;
    if (others.has(key)) return true;
    others.add(key);
    return false;
  }
}
