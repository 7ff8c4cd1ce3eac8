/**
 * The verdict and the ONE result line of a run (see docs/RELIABILITY.md for
 * every key). Pure: figures in, failures and text out.
 */
import { CONFIG } from './config';
import { FAULT_KINDS, type FaultKind } from './kinds';
import type { LedgerFigures } from './ledger';

export interface RunFigures {
  readonly seed: number;
  readonly seconds: number;
  readonly clients: number;
  readonly rooms: number;
  readonly faults: Readonly<Record<FaultKind, number>>;
  readonly overlapping: number;
  readonly switchWindows: number;
  /** Recovery times (ms), any order. */
  readonly recoveries: readonly number[];
  readonly worst: string;
  readonly unrecovered: number;
  readonly ledger: LedgerFigures;
  readonly gracefulHandovers: number;
  readonly gaps: number;
  readonly gapsCounted: number;
  readonly badGaps: number;
  readonly topicErrors: number;
  readonly misrouted: number;
  readonly unhandled: number;
  readonly endWhole: boolean;
  readonly client: { readonly decodeFailures: number; readonly dedupeDropped: number; readonly rateLimited: number; readonly reconnects: Readonly<Record<string, number>> };
  readonly emulator: { readonly rateLimited: number; readonly refused429: number; readonly refused502: number; readonly rejectedTokens: number };
  /** heapUsed after gc at the start sample and at the end (0 without `--expose-gc`). */
  readonly heap: { readonly atMs: number; readonly start: number; readonly end: number };
  readonly loopP99Ms: number;
  readonly loopP99LimitMs: number;
  readonly loopMaxMs: number;
}

/** The checks that failed (empty: the run holds). */
export function failures(f: RunFigures): string[] {
  const failed: string[] = [];
  const total = Object.values(f.faults).reduce((n, k) => n + k, 0);
  if (total === 0) failed.push('no_faults');
  if (f.unrecovered > 0 || !f.endWhole) failed.push('unrecovered');
  if (f.ledger.duplicated > 0) failed.push('duplicated');
  if (f.ledger.late > 0) failed.push('late');
  if (f.ledger.lostOutsideGaps > 0) failed.push('lost_outside_gaps');
  if (f.ledger.lostGraceful > 0) failed.push('lost_graceful');
  if (f.gaps !== f.gapsCounted || f.badGaps > 0) failed.push('gaps_unreported');
  if (f.topicErrors > 0) failed.push('topic_errors');
  if (f.misrouted > 0) failed.push('misrouted');
  if (f.unhandled > 0) failed.push('unhandled');
  if (growth(f) > CONFIG.heapGrowthLimit) failed.push('heap_growth');
  if (f.loopP99Ms >= f.loopP99LimitMs) failed.push('loop_p99');
  return failed;
}

/** heapUsed growth from the start sample to the end (0 when not measured). */
export function growth(f: RunFigures): number {
  return f.heap.start > 0 ? (f.heap.end - f.heap.start) / f.heap.start : 0;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** The result line. */
export function summaryLine(f: RunFigures, failed: readonly string[]): string {
  const total = Object.values(f.faults).reduce((n, k) => n + k, 0);
  const g = growth(f);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  const list = (r: Readonly<Record<string, number>>) =>
    Object.entries(r)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k}:${n}`)
      .join(',') || 'none';
  const l = f.ledger;
  return [
    'SOAK',
    `result=${failed.length === 0 ? 'PASS' : 'FAIL'}`,
    `seed=${f.seed}`,
    `seconds=${f.seconds.toFixed(1)}`,
    `clients=${f.clients}`,
    `rooms=${f.rooms}`,
    `subscriptions=${f.clients * f.rooms}`,
    `faults=${total}`,
    `kinds=${FAULT_KINDS.map((k) => `${k}:${f.faults[k]}`).join(',')}`,
    `overlapping=${f.overlapping}`,
    `switch_windows=${f.switchWindows}`,
    `recovery_ms_max=${percentile(f.recoveries, 100)}`,
    `recovery_ms_p99=${percentile(f.recoveries, 99)}`,
    `recovery_ms_p50=${percentile(f.recoveries, 50)}`,
    `worst=${f.worst}`,
    `bound_ms=${CONFIG.recoveryBoundMs}`,
    `unrecovered=${f.unrecovered}`,
    `published=${l.published}`,
    `expected=${l.expected}`,
    `delivered=${l.delivered}`,
    `duplicated=${l.duplicated}`,
    `late=${l.late}`,
    `lost=${l.lost}`,
    `lost_outside_gaps=${l.lostOutsideGaps}`,
    `lost_graceful=${l.lostGraceful}`,
    `graceful_handovers=${f.gracefulHandovers}`,
    `gaps=${f.gaps}`,
    `gaps_unreported=${f.gapsCounted - f.gaps + f.badGaps}`,
    `topic_errors=${f.topicErrors}`,
    `misrouted=${f.misrouted}`,
    `unhandled=${f.unhandled}`,
    `decode_failures=${f.client.decodeFailures}`,
    `dedupe_dropped=${f.client.dedupeDropped}`,
    `reconnects=${list(f.client.reconnects)}`,
    `client_rate_limited=${f.client.rateLimited}`,
    `emu_rate_limited=${f.emulator.rateLimited}`,
    `emu_429=${f.emulator.refused429}`,
    `emu_502=${f.emulator.refused502}`,
    `emu_tokens_rejected=${f.emulator.rejectedTokens}`,
    `heap_at_s=${(f.heap.atMs / 1000).toFixed(0)}`,
    `heap_mb=${mb(f.heap.start)}->${mb(f.heap.end)}`,
    `heap_growth=${g >= 0 ? '+' : ''}${(g * 100).toFixed(1)}%`,
    `loop_p99_ms=${f.loopP99Ms.toFixed(1)}`,
    `loop_p99_limit_ms=${f.loopP99LimitMs}`,
    `loop_max_ms=${f.loopMaxMs.toFixed(0)}`,
  ].join(' ');
}
