/**
 * The soak at backend scale: one emulator on loopback, many clients holding
 * every room, a publisher stamping each event with a sequence number, and the
 * seeded fault plan injected on schedule. Reports ONE line (see docs/RELIABILITY.md).
 */
import { startEmulator } from '../lib/testing';
import { seededRandom } from '../lib/testing/seededRandom';
import { CONFIG, type SoakOptions } from './config';
import { roomKeys, startFleet } from './fleet';
import { createHealth } from './health';
import { canCollect, collectedHeap, diffSummary, discard, snapshot } from './heap';
import type { InjectContext } from './inject';
import { FAULT_KINDS, type FaultKind } from './kinds';
import { createLedger } from './ledger';
import { planFaults } from './plan';
import { startProbes } from './probes';
import { failures, summaryLine, type RunFigures } from './report';
import { runFaults } from './schedule';
import { switchWindows } from './switches';

export interface SoakResult {
  readonly ok: boolean;
  readonly summary: string;
  readonly details: readonly string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const t0 = Date.now();
  const log = (line: string): void => void (o.verbose && process.stderr.write(`[soak +${Date.now() - t0}] ${line}\n`));
  const details: string[] = [];
  log(`t0=${t0}`);
  const probes = startProbes();
  if (!canCollect()) details.push('warning: run with --expose-gc for a meaningful heap figure');
  const { keys, aliases } = roomKeys(o.rooms);
  const emulator = await startEmulator({
    pingIntervalMs: CONFIG.pingIntervalMs,
    pongTimeoutMs: CONFIG.pongTimeoutMs,
    rateLimit: CONFIG.bucket,
    connectionRateLimit: { max: CONFIG.upgradesPerClientPer10s * o.clients, windowMs: 10_000 },
    drainGraceMs: CONFIG.drainGraceMs,
    roomAliases: aliases,
    random: seededRandom(o.seed ^ 0x5bd1e995),
  });
  const ledger = createLedger({ clients: o.clients, settleMs: CONFIG.settleMs, holdMs: CONFIG.settleMs + CONFIG.recoveryBoundMs, gapEpsilonMs: CONFIG.gapEpsilonMs, origin: t0 });
  const fleet = startFleet(emulator, keys, o.clients, o.seed, ledger, log);
  const health = createHealth(fleet.clients, emulator, CONFIG.recoveryBoundMs);
  const switches = switchWindows(emulator);
  const ctx: InjectContext = { emulator, fleet, switches, extras: [] };
  const warmupMs = Math.max(0, o.rooms - CONFIG.bucket.burst) * CONFIG.bucket.intervalMs + 3000;
  const quietTailMs = Math.min(CONFIG.quietTailMs, o.seconds * 300);
  const plan = planFaults({ ...o, durationMs: o.seconds * 1000 - warmupMs - quietTailMs, bucket: CONFIG.bucket });
  const publishRandom = seededRandom(o.seed ^ 0x9e3779b9);
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const heap = { atMs: 0, start: 0, end: 0 };
  let heapSnapshot: string | undefined;
  let gracefulHandovers = 0;
  let overlapping = 0;
  let endWhole = false;

  const perTick = o.publishPerSecond * (CONFIG.publishTickMs / 1000);
  let owed = 0;
  let publisher: ReturnType<typeof setInterval> | undefined;
  const publish = (): void => {
    for (owed += perTick; owed >= 1; owed--) {
      const k = Math.floor(publishRandom() * keys.length);
      const key = keys[k];
      if (key) emulator.publish(key.topic, key.canonical, { soak: { k, g: ledger.publish(Date.now()) }, n: 'x'.repeat(16) });
    }
  };
  const poller = setInterval(() => {
    const now = Date.now();
    for (const f of health.poll(now)) {
      log(`recovered from ${f.kind} on ${f.targets.length === o.clients ? 'all' : f.targets.join(',')} after ${now - f.at} ms`);
      if (f.graceful) {
        gracefulHandovers++;
        for (const c of f.targets) ledger.graceful(c, f.at, now);
      }
    }
    ledger.settle(now);
  }, CONFIG.pollMs);
  const heapAt = async (): Promise<void> => {
    heap.atMs = Date.now() - t0;
    heap.start = await collectedHeap();
    if (!canCollect() || !o.heapSnapshots) return;
    // a snapshot stalls the process for seconds (clients and emulator miss their heartbeats): only when asked
    probes.pause();
    heapSnapshot = snapshot(o.heapDir, `soak-${o.seed}-start.heapsnapshot`);
    probes.resume();
  };

  try {
    if (!(await waitFor(() => health.allWhole(), CONFIG.recoveryBoundMs))) throw new Error('warm-up: the initial subscriptions never became active');
    log(`warm-up done after ${Date.now() - t0} ms`);
    publisher = setInterval(publish, CONFIG.publishTickMs);
    await sleep(1000);
    const heapStartAt = t0 + Math.min(CONFIG.heapStartMs, o.seconds * 200);
    const heapTimer = setTimeout(() => void heapAt(), Math.max(1000, heapStartAt - Date.now()));
    const ran = await runFaults(ctx, plan, health, { counts, log, onOverlap: () => overlapping++ });
    clearTimeout(heapTimer);
    if (heap.start === 0) await heapAt();
    log(`faults done: ${ran}`);
    endWhole = await waitFor(() => health.open.length === 0 && health.allWhole(), CONFIG.recoveryBoundMs);
    await sleep(Math.max(1000, t0 + o.seconds * 1000 - 500 - Date.now()));
  } catch (e) {
    details.push(`soak crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    if (publisher) clearInterval(publisher);
  }
  await sleep(500);
  clearInterval(poller);
  health.poll(Date.now());
  ledger.settle(Infinity);
  heap.end = await collectedHeap();

  const metrics = fleet.clients.map((c) => c.metrics);
  const sum = (pick: (m: NonNullable<(typeof metrics)[number]>) => number) => metrics.reduce((n, m) => n + (m ? pick(m) : 0), 0);
  const reconnects: Record<string, number> = {};
  for (const m of metrics) for (const [cause, n] of Object.entries(m?.reconnects ?? {})) reconnects[cause] = (reconnects[cause] ?? 0) + n;
  const stats = emulator.stats;
  const figures: RunFigures = {
    seed: o.seed,
    seconds: (Date.now() - t0) / 1000,
    clients: o.clients,
    rooms: o.rooms,
    faults: counts,
    overlapping,
    switchWindows: switches.opened,
    recoveries: health.recoveries,
    worst: health.worst.kind,
    unrecovered: health.unrecovered.length + health.open.length,
    ledger: ledger.figures,
    gracefulHandovers,
    gaps: fleet.gapsEmitted(),
    gapsCounted: sum((m) => m.gaps),
    badGaps: fleet.badGaps(),
    topicErrors: fleet.counters.topicErrors,
    misrouted: fleet.counters.misrouted,
    unhandled: probes.unhandled,
    endWhole,
    client: { decodeFailures: sum((m) => m.decodeFailures), dedupeDropped: sum((m) => m.duplicatesDropped), rateLimited: sum((m) => m.rateLimited), reconnects },
    emulator: { rateLimited: stats.rateLimited, refused429: stats.upgradesRefused429, refused502: stats.upgradesRefused502, rejectedTokens: stats.reconnectsRejected },
    heap,
    loopP99Ms: probes.loopP99Ms(),
    loopP99LimitMs: o.loopP99LimitMs,
    loopMaxMs: probes.loopMaxMs(),
  };
  fleet.close();
  await emulator.close();
  switches.reset();
  probes.stop();

  const failed = failures(figures);
  if (failed.includes('heap_growth') && canCollect()) details.push(...heapReport(o, heapSnapshot));
  else if (heapSnapshot !== undefined) discard(heapSnapshot);
  details.push(...health.unrecovered.slice(0, 5), ...ledger.examples, ...fleet.counters.errorSamples, ...probes.samples);
  if (failed.length > 0) details.unshift(`failed: ${failed.join(', ')}`);
  return { ok: failed.length === 0, summary: summaryLine(figures, failed), details };
}

/** The end snapshot, and the diff against the start one (or, without it, the census of the end and how to get the diff). */
function heapReport(o: SoakOptions, start: string | undefined): string[] {
  const end = snapshot(o.heapDir, `soak-${o.seed}-end.heapsnapshot`);
  const out = `${o.heapDir}/soak-${o.seed}-heap-${start ? 'diff' : 'census'}.txt`;
  if (start) return [`heap snapshot diff: ${diffSummary(start, end, out)}`];
  return [
    `heap census at the end: ${diffSummary(end, end, out, false)} (for a diff against minute 2, replay with --seed ${o.seed} --heap-snapshots)`,
  ];
}

async function waitFor(check: () => boolean, boundMs: number): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(CONFIG.pollMs);
  }
  return true;
}
