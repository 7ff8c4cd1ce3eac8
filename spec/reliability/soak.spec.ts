/**
 * Runs the chaos soak (soak/main.ts) for 12 seconds as a child process — 5
 * clients × 110 rooms, every fault kind (one every 150 ms) — and checks its exit code and the
 * figures of its result line: the invariants of the 10-minute run. The seed is
 * random per run and printed on failure: replay it with `npm run soak -- --seed N`.
 *
 * One bound differs: jest runs other suites beside this one on the same cores,
 * so the event-loop p99 is held to 250 ms here (50 ms in `npm run soak`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** The `key=value` figures of a summary line. */
export function parseSummary(line: string): Record<string, string> {
  return Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map((token) => {
        const i = token.indexOf('=');
        return [token.slice(0, i), token.slice(i + 1)];
      }),
  );
}

describe('chaos soak', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('recovers from every fault, loses nothing outside a reported gap, duplicates nothing, leaks nothing (12 s)', async () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    // 110 subscriptions per client: the re-subscribe still needs the rate limiter (98 at once, then 10/s)
    const scale = ['--seconds', '12', '--clients', '5', '--rooms', '110', '--fault-interval', '150', '--loop-p99-limit', '250'];
    const args = ['--expose-gc', join(ROOT, 'soak', 'main.ts'), ...scale, '--seed', String(seed), '--heap-dir', join(ROOT, 'reports', 'soak')];
    const proc = spawn(TSX, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.on('close', (c) => resolve(c)));

    const lines = stdout.split('\n').filter((l) => l.startsWith('SOAK '));
    const context = `seed ${seed}, exit ${code}\n${stdout}\n${stderr.slice(-4000)}`;
    expect({ lines: lines.length, context }).toEqual({ lines: 1, context });
    const s = parseSummary(lines[0] ?? '');
    const zeros = ['duplicated', 'late', 'lost_outside_gaps', 'lost_graceful', 'gaps_unreported', 'topic_errors', 'misrouted', 'unhandled', 'unrecovered'];
    expect({ ...Object.fromEntries(zeros.map((k) => [k, s[k]])), result: s['result'], code, context }).toEqual({
      ...Object.fromEntries(zeros.map((k) => [k, '0'])),
      result: 'PASS',
      code: 0,
      context,
    });
    // the plan starts with every kind once
    expect(Number(s['faults'])).toBeGreaterThanOrEqual(18);
    expect((s['kinds'] ?? '').split(',').filter((k) => k.endsWith(':0'))).toEqual([]);
    expect(Number(s['published'])).toBeGreaterThan(0);
    expect(Number(s['delivered'])).toBeGreaterThan(0);
    expect(Number(s['recovery_ms_max'])).toBeLessThanOrEqual(Number(s['bound_ms']));
    expect(parseFloat(s['heap_growth'] ?? 'NaN')).toBeLessThanOrEqual(20);
    expect(Number(s['loop_p99_ms'])).toBeLessThan(250);
  }, 60_000);
});
