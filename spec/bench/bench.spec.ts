/**
 * `npm run bench -- --quick` completes and writes every figure to its
 * results file. Whether the performance targets are met is reported by
 * the bench itself (and recorded in docs/PERFORMANCE.md), not checked here:
 * this machine is shared and its timings are noisy.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
// a file of its own: the committed bench/results.json holds the recorded full run
const RESULTS = path.join(os.tmpdir(), `astro-rx-bench-quick-${process.pid}.json`);
// the quick bench takes ~1.5–2.5 minutes on the shared 2-core machine (the two Redis sections ~45 s of it)
const RUN_TIMEOUT_MS = 240_000;

function runQuickBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'bench', '--', '--quick', '--out', RESULTS], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run bench -- --quick did not finish within ${RUN_TIMEOUT_MS} ms\n${stderr.slice(-2000)}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every figure of the table, as a path into results.json. */
const FIGURES = [
  'machine.cores',
  'machine.node',
  'rounds',
  ...['raw', 'rxjs', 'astro', 'astro-validate'].flatMap((v) =>
    ['framesPerSec', 'cpuUsPerFrame', 'throughputRatio', 'cpuRatio'].map((k) => `sections.throughput.variants.${v}.${k}`),
  ),
  'sections.throughput.serverCpuUsPerFrame',
  'sections.throughput.targets.astroThroughput.met',
  'sections.throughput.targets.validateThroughput.met',
  'sections.throughput.targets.astroCpu.met',
  'sections.throughput.targets.validateCpu.met',
  'sections.routing.perK.1.usPerFrame',
  'sections.routing.perK.100.usPerFrame',
  'sections.routing.perK.100.ratioToOneRoom',
  'sections.routing.heapBytesPerRoom',
  'sections.routing.targets.ratioAtMostRooms.value',
  'sections.routing.targets.heapPerRoom.met',
  'sections.ratelimit.wallMs',
  'sections.ratelimit.theoreticalMs',
  'sections.ratelimit.ratio',
  'sections.ratelimit.rateLimitedMax',
  'sections.ratelimit.reserve.ratio',
  'sections.handover.drain.reconnectToFirstEventMs',
  'sections.handover.drain.reconnectToWelcomeMs',
  'sections.handover.drain.lost',
  'sections.handover.drain.duplicated',
  'sections.handover.drain.subscribesSent',
  'sections.handover.fresh.resubscribeMs',
  'sections.handover.fresh.resubscribeRatio',
  'sections.handover.fresh.extrapolatedRealMs',
  'sections.handover.fresh.lost',
  'sections.bundle.own.gzKiB',
  'sections.bundle.all.gzKiB',
  'sections.bundle.includesWs',
  'sections.bundle.targets.own.met',
  'sections.bundle.targets.all.met',
  'sections.bridge.perVariant.bridge.eventsPerSec',
  'sections.bridge.perVariant.raw.eventsPerSec',
  'sections.bridge.ratios.eventsPerSec',
  'sections.bridge.ratios.cpuPerEvent',
  'sections.bridge.lost',
  'sections.bridge.duplicated',
  'sections.failover.subscribedMs',
  'sections.failover.gapMarkersMs',
  'sections.failover.boundMs',
  'sections.failover.ratio',
];

const at = (value: unknown, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);

describe('npm run bench -- --quick', () => {
  it(
    'completes, prints the table and writes every figure to bench/results.json',
    async () => {
      const startedAt = Date.now();
      const { code, stdout, stderr } = await runQuickBench();
      if (code !== 0) throw new Error(`exit code ${code}\n${stderr.slice(-3000)}`);
      expect(stdout).toContain('astro-rx benchmarks (quick)');
      expect(stdout).toMatch(/machine: \d+ cores/);

      const results = JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
      expect(results['mode']).toBe('quick');
      expect(Date.parse(String(results['date']))).toBeGreaterThanOrEqual(startedAt - 1000);
      expect(results['errors']).toBeUndefined();
      const missing = FIGURES.filter((f) => {
        const v = at(results, f);
        return !(typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)));
      });
      expect(missing).toEqual([]);
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});
