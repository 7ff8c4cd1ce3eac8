/**
 * `npm run bench [-- --quick] [-- --only throughput,routing,ratelimit,handover,bundle,firstevent,idle,pool,bridge,failover] [-- --out file]`
 *
 * Runs the benchmarks one after the other, each client or section in its own
 * process, prints one table and writes the figures to bench/results.json
 * (or `--out`). `--quick` is a short version (fewer rounds, frames, rooms and
 * events); the targets are reported, not enforced (the exit code is 0 when
 * every section ran). The machine is shared and noisy: figures are ratios to a
 * baseline measured in the same run; absolute numbers are context only.
 * See docs/PERFORMANCE.md.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, log, machine, runChild } from './common';
import { runThroughput, type ThroughputResult, type Target } from './throughput/run';
import { renderTable } from './table';

export const SECTIONS = ['throughput', 'routing', 'ratelimit', 'handover', 'bundle', 'firstevent', 'idle', 'pool', 'bridge', 'failover'] as const;
type Section = (typeof SECTIONS)[number];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : [...SECTIONS];
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; use ${SECTIONS.join(', ')}`);
  const outAt = argv.indexOf('--out');
  const out = path.resolve(ROOT, outAt >= 0 ? (argv[outAt + 1] ?? '') : 'bench/results.json');
  const flags = quick ? ['--quick'] : [];
  const started = Date.now();
  const m = machine();
  log(`${quick ? 'quick' : 'full'} run on ${m.cores} cores (${m.cpu}), Node ${m.node}, load ${m.loadavg.join(' ')}`);

  const sections: Partial<Record<Section, unknown>> = {};
  const errors: Partial<Record<Section, string>> = {};
  const run = async (name: Section, work: () => Promise<unknown>) => {
    if (!only.includes(name)) return;
    const t0 = Date.now();
    log(`${name}…`);
    try {
      sections[name] = await work();
    } catch (e) {
      errors[name] = e instanceof Error ? e.message : String(e);
      log(`${name} failed: ${errors[name]}`);
    }
    log(`${name} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };

  await run('throughput', () => runThroughput(quick));
  await run('routing', () => runChild('bench/sections/routing.ts', { args: flags, nodeArgs: ['--expose-gc'], timeoutMs: 240_000 }));
  await run('ratelimit', () => runChild('bench/sections/ratelimit.ts', { args: flags, timeoutMs: 180_000 }));
  await run('handover', () => runChild('bench/sections/handover.ts', { args: flags, timeoutMs: 180_000 }));
  await run('bundle', () => runChild('bench/sections/bundle.ts', { timeoutMs: 60_000 }));
  await run('firstevent', () => runChild('bench/sections/firstEvent.ts', { args: flags, timeoutMs: 120_000 }));
  await run('idle', () => runChild('bench/sections/idle.ts', { args: flags, nodeArgs: ['--expose-gc'], timeoutMs: 240_000 }));
  await run('pool', () => runChild('bench/sections/pool.ts', { args: flags, timeoutMs: 300_000 }));
  await run('bridge', () => runChild('bench/sections/bridge.ts', { args: flags, timeoutMs: 600_000 }));
  await run('failover', () => runChild('bench/sections/failover.ts', { args: flags, timeoutMs: 300_000 }));

  const targets: Record<string, Target> = {};
  for (const [name, result] of Object.entries(sections)) {
    for (const [key, t] of Object.entries((result as { targets?: Record<string, Target> }).targets ?? {})) targets[`${name}.${key}`] = t;
  }
  const results = {
    mode: quick ? 'quick' : 'full',
    date: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 100) / 10,
    machine: { ...m, loadavgAfter: machine().loadavg },
    rounds: (sections.throughput as ThroughputResult | undefined)?.rounds,
    sections,
    targets,
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(renderTable(results));
  log(`wrote ${path.relative(ROOT, out)} in ${results.durationS} s`);
  if (Object.keys(errors).length > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
