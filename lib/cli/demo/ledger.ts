/**
 * The demo's bookkeeping of what it published and what the client received,
 * by message id: every published event gets the next sequence number, and a
 * check says whether the received ones are complete (no gap) and unique.
 */

export interface LedgerReport {
  readonly published: number;
  readonly received: number;
  /** Sequence numbers published at least `graceMs` ago that never arrived. */
  readonly lost: readonly number[];
  /** Sequence numbers that arrived more than once. */
  readonly duplicates: readonly number[];
  /** Published within the last `graceMs` and not (yet) received: in flight, not lost. */
  readonly inFlight: number;
  /** Received messages whose id the demo never published. */
  readonly unknown: number;
}

export class DeliveryLedger {
  private readonly byId = new Map<string, { seq: number; at: number; count: number }>();
  private next = 1;
  private unknownIds = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a publish; returns its sequence number. */
  published(id: string): number {
    const seq = this.next++;
    this.byId.set(id, { seq, at: this.now(), count: 0 });
    return seq;
  }

  /** Records a receipt; returns the sequence number (undefined for an id never published). */
  received(id: string | undefined): number | undefined {
    const entry = id === undefined ? undefined : this.byId.get(id);
    if (!entry) {
      this.unknownIds++;
      return undefined;
    }
    entry.count++;
    return entry.seq;
  }

  report(graceMs = 0): LedgerReport {
    const cutoff = this.now() - graceMs;
    const lost: number[] = [];
    const duplicates: number[] = [];
    let received = 0;
    let inFlight = 0;
    for (const { seq, at, count } of this.byId.values()) {
      if (count > 0) received++;
      if (count > 1) duplicates.push(seq);
      if (count === 0) {
        if (at <= cutoff) lost.push(seq);
        else inFlight++;
      }
    }
    return { published: this.byId.size, received, lost, duplicates, inFlight, unknown: this.unknownIds };
  }
}

/** `#3, #4, #9` (at most `max` numbers, then `…`). */
export function listSeqs(seqs: readonly number[], max = 8): string {
  const shown = seqs.slice(0, max).map((n) => `#${n}`);
  return seqs.length > max ? `${shown.join(', ')}, … (${seqs.length} in all)` : shown.join(', ');
}

/** Whether a report shows a complete, duplicate-free delivery. */
export function isClean(report: LedgerReport): boolean {
  return report.lost.length === 0 && report.duplicates.length === 0 && report.unknown === 0;
}

/** One line summing up a report, e.g. `no event lost: 18 published, 18 received (#1-#18), no duplicates`. */
export function describeReport(report: LedgerReport): string {
  const range = report.received > 0 ? ` (#1-#${report.published - report.inFlight})` : '';
  const flight = report.inFlight > 0 ? `, ${report.inFlight} still in flight` : '';
  if (isClean(report)) {
    return `no event lost: ${report.published} published, ${report.received} received${range} in sequence${flight}, no duplicates`;
  }
  const parts = [
    report.lost.length > 0 ? `${report.lost.length} lost (${listSeqs(report.lost)})` : '',
    report.duplicates.length > 0 ? `${report.duplicates.length} duplicated (${listSeqs(report.duplicates)})` : '',
    report.unknown > 0 ? `${report.unknown} unexpected` : '',
  ].filter(Boolean);
  return `EVENTS LOST OR REPEATED: ${report.published} published, ${report.received} received; ${parts.join(', ')}${flight}`;
}
