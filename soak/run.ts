/**
 * The soak at backend scale: one emulator on loopback, many clients holding
 * every room, a publisher stamping each event with a sequence number, and the
 * seeded fault plan injected on schedule. Reports ONE line (see docs/RELIABILITY.md).
 */
import { CONFIG, type SoakOptions } from './config';
import { canCollect, collectedHeap, diffSummary, discard, snapshot } from './heap';
import { FAULT_KINDS, type FaultKind } from './kinds';
import { planFaults } from './plan';
import { startProbes, type Probes } from './probes';
import { failures, summaryLine, type RunFigures } from './report';
import { startRig, type Rig } from './rig';
import { runFaults } from './schedule';

export interface SoakResult {
  readonly ok: boolean;
  readonly summary: string;
  readonly details: readonly string[];
}

interface Tally {
  readonly counts: Record<FaultKind, number>;
  readonly heap: { atMs: number; start: number; end: number };
  overlapping: number;
  endWhole: boolean;
  startSnapshot?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const t0 = Date.now();
  const log = (line: string): void => void (o.verbose && process.stderr.write(`[soak +${Date.now() - t0}] ${line}\n`));
  log(`t0=${t0}`);
  const details: string[] = canCollect() ? [] : ['warning: run with --expose-gc for a meaningful heap figure'];
  const probes = startProbes();
  const rig = await startRig(o, t0, log);
  const tally: Tally = { counts: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>, heap: { atMs: 0, start: 0, end: 0 }, overlapping: 0, endWhole: false };
  try {
    await phases(o, t0, rig, probes, tally, log);
  } catch (e) {
    details.push(`soak crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    rig.stopPublishing();
  }
  await sleep(500);
  rig.finish();
  tally.heap.end = await collectedHeap();
  const figures = figuresOf(o, t0, rig, probes, tally);
  const failed = failures(figures);
  // the end snapshot is of the live system, like the start one: before the clients close
  if (failed.includes('heap_growth') && canCollect()) details.push(heapReport(o, tally.startSnapshot));
  else if (tally.startSnapshot !== undefined) discard(tally.startSnapshot);
  await rig.close();
  probes.stop();

  details.push(...rig.health.unrecovered.slice(0, 5), ...rig.ledger.examples, ...rig.fleet.counters.errorSamples, ...probes.samples);
  if (failed.length > 0) details.unshift(`failed: ${failed.join(', ')}`);
  return { ok: failed.length === 0, summary: summaryLine(figures, failed), details };
}

/** Warm-up, publishing, the fault plan with the heap's start sample inside it, the quiet tail. */
async function phases(o: SoakOptions, t0: number, rig: Rig, probes: Probes, tally: Tally, log: (line: string) => void): Promise<void> {
  const warmupMs = Math.max(0, o.rooms - CONFIG.bucket.burst) * CONFIG.bucket.intervalMs + 3000;
  const quietTailMs = Math.min(CONFIG.quietTailMs, o.seconds * 300);
  const plan = planFaults({ ...o, durationMs: o.seconds * 1000 - warmupMs - quietTailMs, bucket: CONFIG.bucket });
  const heapAt = async (): Promise<void> => {
    tally.heap.atMs = Date.now() - t0;
    tally.heap.start = await collectedHeap();
    if (!canCollect() || !o.heapSnapshots) return;
    // a snapshot stalls the process for seconds (clients and emulator miss their heartbeats): only when asked
    probes.pause();
    tally.startSnapshot = snapshot(o.heapDir, `soak-${o.seed}-start.heapsnapshot`);
    probes.resume();
  };
  if (!(await waitFor(() => rig.health.allWhole(), CONFIG.recoveryBoundMs))) throw new Error('warm-up: the initial subscriptions never became active');
  log(`warm-up done after ${Date.now() - t0} ms`);
  rig.startPublishing();
  await sleep(1000);
  const heapTimer = setTimeout(() => void heapAt(), Math.max(1000, t0 + Math.min(CONFIG.heapStartMs, o.seconds * 200) - Date.now()));
  const hooks = { counts: tally.counts, log, onOverlap: () => tally.overlapping++ };
  log(`faults done: ${await runFaults(rig.ctx, plan, rig.health, hooks)}`);
  clearTimeout(heapTimer);
  if (tally.heap.start === 0) await heapAt();
  tally.endWhole = await waitFor(() => rig.health.open.length === 0 && rig.health.allWhole(), CONFIG.recoveryBoundMs);
  await sleep(Math.max(1000, t0 + o.seconds * 1000 - 500 - Date.now()));
}

function figuresOf(o: SoakOptions, t0: number, rig: Rig, probes: Probes, tally: Tally): RunFigures {
  const metrics = rig.fleet.clients.map((c) => c.metrics);
  const sum = (pick: (m: NonNullable<(typeof metrics)[number]>) => number) => metrics.reduce((n, m) => n + (m ? pick(m) : 0), 0);
  const reconnects: Record<string, number> = {};
  for (const m of metrics) for (const [cause, n] of Object.entries(m?.reconnects ?? {})) reconnects[cause] = (reconnects[cause] ?? 0) + n;
  const stats = rig.emulator.stats;
  return {
    seed: o.seed,
    seconds: (Date.now() - t0) / 1000,
    clients: o.clients,
    rooms: o.rooms,
    faults: tally.counts,
    overlapping: tally.overlapping,
    switchWindows: rig.ctx.switches.opened,
    recoveries: rig.health.recoveries,
    worst: rig.health.worst.kind,
    unrecovered: rig.health.unrecovered.length + rig.health.open.length,
    ledger: rig.ledger.figures,
    gracefulHandovers: rig.gracefulHandovers,
    gaps: rig.fleet.gapsEmitted(),
    gapsCounted: sum((m) => m.gaps),
    badGaps: rig.fleet.badGaps(),
    topicErrors: rig.fleet.counters.topicErrors,
    misrouted: rig.fleet.counters.misrouted,
    unhandled: probes.unhandled,
    endWhole: tally.endWhole,
    client: { decodeFailures: sum((m) => m.decodeFailures), dedupeDropped: sum((m) => m.duplicatesDropped), rateLimited: sum((m) => m.rateLimited), reconnects },
    emulator: { rateLimited: stats.rateLimited, refused429: stats.upgradesRefused429, refused502: stats.upgradesRefused502, rejectedTokens: stats.reconnectsRejected },
    heap: tally.heap,
    loopP99Ms: probes.loopP99Ms(),
    loopP99LimitMs: o.loopP99LimitMs,
    loopMaxMs: probes.loopMaxMs(),
  };
}

/** The end snapshot, and the diff against the start one (or, without it, the census of the end and how to get the diff). */
function heapReport(o: SoakOptions, start: string | undefined): string {
  const end = snapshot(o.heapDir, `soak-${o.seed}-end.heapsnapshot`);
  const out = `${o.heapDir}/soak-${o.seed}-heap-${start ? 'diff' : 'census'}.txt`;
  if (start) return `heap snapshot diff: ${diffSummary(start, end, out)}`;
  return `heap census at the end: ${diffSummary(end, end, out, false)} (for a diff against the start sample, replay with --seed ${o.seed} --heap-snapshots)`;
}

async function waitFor(check: () => boolean, boundMs: number): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(CONFIG.pollMs);
  }
  return true;
}
