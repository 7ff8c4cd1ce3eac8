/**
 * Delivery bookkeeping in bounded memory: every published event gets a global
 * sequence number; each client's receipts are counted in a ring until the event
 * settles (delivered or lost); losses wait until the gaps that may explain them
 * have been reported, then are classified. Pure: no clock, no I/O.
 */
import type { Gap } from '../lib/client/types';

export interface LedgerConfig {
  readonly clients: number;
  /** An event not delivered this long after publication is lost. */
  readonly settleMs: number;
  /** A loss is classified this long after publication (every gap that may explain it is known by then). */
  readonly holdMs: number;
  readonly gapEpsilonMs: number;
  /** Times in the examples are shown relative to this. */
  readonly origin: number;
}

export interface LedgerFigures {
  published: number;
  expected: number;
  delivered: number;
  duplicated: number;
  /** Receipts after their event had settled (must be 0: the ring could not tell a duplicate). */
  late: number;
  lost: number;
  lostOutsideGaps: number;
  lostGraceful: number;
}

const RING = 1 << 15;

/** Creates an empty ledger. */
export function createLedger(config: LedgerConfig) {
  const figures: LedgerFigures = { published: 0, expected: 0, delivered: 0, duplicated: 0, late: 0, lost: 0, lostOutsideGaps: 0, lostGraceful: 0 };
  const counts = Array.from({ length: config.clients }, () => new Uint8Array(RING));
  const times: number[] = [];
  let head = 0; // times[head] is the publication time of event `base`
  let base = 0;
  let next = 0;
  const pending: number[][] = Array.from({ length: config.clients }, () => []);
  const gaps: Gap[][] = Array.from({ length: config.clients }, () => []);
  const graceful: Array<Array<readonly [number, number]>> = Array.from({ length: config.clients }, () => []);
  const examples: string[] = [];
  const covered = (list: readonly Gap[], p: number): boolean =>
    list.some((g) => g.from - config.gapEpsilonMs <= p && p <= g.to + config.gapEpsilonMs);

  const classify = (c: number, p: number): void => {
    if ((graceful[c] ?? []).some(([from, to]) => from <= p && p <= to)) figures.lostGraceful++;
    if (covered(gaps[c] ?? [], p)) return;
    figures.lostOutsideGaps++;
    if (examples.length >= 5) return;
    const at = (t: number): string => `+${t - config.origin}`;
    const list = (gaps[c] ?? []).map((g) => `[${at(g.from)}..${at(g.to)} ${g.cause}]`).join(' ');
    examples.push(`lost outside any gap: client ${c}, event published at ${at(p)} ms; its gaps: ${list || 'none'}`);
  };

  return {
    figures,
    examples,
    /** Records a publication; returns the event's sequence number. */
    publish(at: number): number {
      if (next - base >= RING) throw new Error('ledger: too many unsettled events (publish slower or settle sooner)');
      times.push(at);
      figures.published++;
      return next++;
    },
    receive(c: number, g: number): void {
      const row = counts[c];
      if (!row || g >= next) return;
      if (g < base) {
        figures.late++;
        return;
      }
      const i = g % RING;
      const n = row[i] ?? 0;
      if (n > 0) {
        figures.duplicated++;
        if (examples.length < 5) examples.push(`duplicated: client ${c}, event ${g} published at +${(times[head + g - base] ?? 0) - config.origin} ms`);
      }
      row[i] = Math.min(255, n + 1);
    },
    gap(c: number, gap: Gap): void {
      gaps[c]?.push(gap);
    },
    /** A graceful handover of client `c` in [from, to]: no event published then may be lost. */
    graceful(c: number, from: number, to: number): void {
      graceful[c]?.push([from, to]);
    },
    /** Settles events older than `settleMs` and classifies losses older than `holdMs` (`Infinity`: everything). */
    settle(now: number): void {
      while (base < next && (times[head] ?? 0) <= now - config.settleMs) {
        const p = times[head] ?? 0;
        for (let c = 0; c < config.clients; c++) {
          const row = counts[c] as Uint8Array;
          figures.expected++;
          if ((row[base % RING] ?? 0) > 0) figures.delivered++;
          else {
            figures.lost++;
            pending[c]?.push(p);
          }
          row[base % RING] = 0;
        }
        base++;
        head++;
      }
      if (head > 4096) {
        times.splice(0, head);
        head = 0;
      }
      for (let c = 0; c < config.clients; c++) {
        const list = pending[c] ?? [];
        let k = 0;
        while (k < list.length && (list[k] ?? 0) <= now - config.holdMs) classify(c, list[k++] ?? 0);
        if (k > 0) list.splice(0, k);
      }
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
