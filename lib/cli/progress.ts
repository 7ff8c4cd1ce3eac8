/** A one-line progress bar on a TTY stream (stderr), and its pure rendering. */

export interface TtyStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** `[########------------]  40/100` (the bar is `width` characters between the brackets). */
export function renderBar(done: number, total: number, width = 24): string {
  const safeTotal = Math.max(1, total);
  const clamped = Math.min(Math.max(0, done), safeTotal);
  const filled = Math.round((clamped / safeTotal) * width);
  const digits = String(total).length;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(clamped).padStart(digits)}/${total}`;
}

/**
 * A redrawable status line. Only active on a TTY: elsewhere every method is a
 * no-op, and the caller prints one summary line instead. Lines written to the
 * same terminal meanwhile go through {@link Progress.around} so that they do
 * not mix with the bar.
 */
export class Progress {
  private text = '';
  private shown = false;
  private active: boolean;
  private lastDraw = 0;

  constructor(
    private readonly stream: TtyStream,
    private readonly now: () => number = Date.now,
  ) {
    this.active = stream.isTTY === true;
  }

  /** Whether the bar is drawn at all (the stream is a TTY and {@link Progress.stop} was not called). */
  get enabled(): boolean {
    return this.active;
  }

  /** Sets the line; redraws at most every 50 ms unless `force`. */
  update(text: string, force = false): void {
    if (!this.active) return;
    this.text = text;
    const t = this.now();
    if (!force && this.shown && t - this.lastDraw < 50) return;
    this.lastDraw = t;
    this.draw();
  }

  /** Runs `write` with the bar removed, then draws it again. */
  around(write: () => void): void {
    const wasShown = this.shown;
    this.clear();
    write();
    if (wasShown) this.draw();
  }

  /** Removes the bar for good. */
  stop(): void {
    this.clear();
    this.active = false;
  }

  private draw(): void {
    if (!this.active || this.text === '') return;
    const columns = this.stream.columns ?? 80;
    const line = this.text.length >= columns ? this.text.slice(0, Math.max(1, columns - 1)) : this.text;
    this.stream.write(`\r\u001b[K${line}`);
    this.shown = true;
  }

  private clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\u001b[K');
    this.shown = false;
  }
}
