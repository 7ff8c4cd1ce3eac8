/**
 * Section 1, throughput end to end: one server process (bench/throughput/server.ts)
 * and each client run in its own process, variants alternated over the rounds
 * (the order rotates each round), medians reported. Ratios are taken per round
 * against the baseline of the same round, then the median of those ratios.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import * as path from 'node:path';
import { ROOT, log, median, min, max, onLines, rotate, runChild, sig } from '../common';

export const VARIANTS = ['raw', 'rxjs', 'astro', 'astro-validate'] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_LABELS: Record<Variant, string> = {
  raw: '(a) raw ws + JSON.parse [baseline]',
  rxjs: '(b) rxjs webSocket subject',
  astro: '(c) astro-rx topic(), envelope decoding',
  'astro-validate': '(d) astro-rx, validatePayloads: true',
};

interface ClientResult {
  variant: Variant;
  frames: number;
  ms: number;
  cpuUs: number;
  framesPerSec: number;
  cpuUsPerFrame: number;
  decodeFailures?: number;
}

interface ServerLine {
  frames: number;
  bytes: number;
  ms: number;
  cpuUs: number;
}

export interface ThroughputResult {
  rounds: number;
  framesPerRun: number;
  warmupFrames: number;
  meanFrameBytes: number;
  variants: Record<
    Variant,
    {
      label: string;
      framesPerSec: number;
      framesPerSecMin: number;
      framesPerSecMax: number;
      cpuUsPerFrame: number;
      /** median over rounds of (variant / baseline of the same round) */
      throughputRatio: number;
      cpuRatio: number;
      decodeFailures?: number;
      runs: { framesPerSec: number; cpuUsPerFrame: number }[];
    }
  >;
  /** the server's own CPU per frame sent (median): far below any client's means it is not the bottleneck */
  serverCpuUsPerFrame: number;
  targets: { astroThroughput: Target; validateThroughput: Target; astroCpu: Target; validateCpu: Target };
}

export interface Target {
  readonly value: number;
  readonly target: string;
  readonly met: boolean;
}

export function startServer(): Promise<{ child: ChildProcessByStdio<Writable, Readable, null>; port: number; meanFrameBytes: number; lines: ServerLine[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/throughput/server.ts')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines: ServerLine[] = [];
    let started = false;
    onLines(child.stdout, (line) => {
      if (line.startsWith('PORT ')) {
        const [, port, bytes] = line.split(' ');
        started = true;
        resolve({ child, port: Number(port), meanFrameBytes: Number(bytes), lines });
      } else if (line.startsWith('{')) lines.push(JSON.parse(line) as ServerLine);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!started) reject(new Error(`the throughput server exited with ${code}`));
    });
  });
}

export async function runThroughput(quick: boolean): Promise<ThroughputResult> {
  const rounds = quick ? 3 : 5;
  const framesPerRun = quick ? 45_000 : 250_000;
  const warmupFrames = quick ? 8_000 : 25_000;
  const server = await startServer();
  const url = `ws://127.0.0.1:${server.port}/?frames=${framesPerRun}`;
  const runs: Record<Variant, ClientResult[]> = { raw: [], rxjs: [], astro: [], 'astro-validate': [] };
  const perRound: Array<Partial<Record<Variant, ClientResult>>> = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const results: Partial<Record<Variant, ClientResult>> = {};
      for (const variant of rotate(VARIANTS, round)) {
        const r = await runChild<ClientResult>('bench/throughput/client.ts', { args: [variant, url, String(framesPerRun), String(warmupFrames)], timeoutMs: 150_000 });
        results[variant] = r;
        runs[variant].push(r);
        log(`throughput round ${round + 1}/${rounds} ${variant}: ${Math.round(r.framesPerSec)} frames/s, ${r.cpuUsPerFrame.toFixed(2)} µs CPU/frame`);
      }
      perRound.push(results);
    }
  } finally {
    server.child.stdin.end();
    server.child.kill('SIGTERM');
  }

  const ratio = (v: Variant, key: 'framesPerSec' | 'cpuUsPerFrame') =>
    median(perRound.map((r) => ((r[v] as ClientResult)[key] as number) / ((r.raw as ClientResult)[key] as number)));
  const variants = {} as ThroughputResult['variants'];
  for (const v of VARIANTS) {
    const fps = runs[v].map((r) => r.framesPerSec);
    const failures = runs[v].map((r) => r.decodeFailures).filter((n): n is number => n !== undefined);
    variants[v] = {
      label: VARIANT_LABELS[v],
      framesPerSec: Math.round(median(fps)),
      framesPerSecMin: Math.round(min(fps)),
      framesPerSecMax: Math.round(max(fps)),
      cpuUsPerFrame: sig(median(runs[v].map((r) => r.cpuUsPerFrame))),
      throughputRatio: sig(ratio(v, 'framesPerSec')),
      cpuRatio: sig(ratio(v, 'cpuUsPerFrame')),
      ...(failures.length > 0 ? { decodeFailures: max(failures) } : {}),
      runs: runs[v].map((r) => ({ framesPerSec: Math.round(r.framesPerSec), cpuUsPerFrame: sig(r.cpuUsPerFrame) })),
    };
  }
  const target = (value: number, op: '>=' | '<=', bound: number, unit = 'x'): Target => ({
    value,
    target: `${op} ${bound}${unit}`,
    met: op === '>=' ? value >= bound : value <= bound,
  });
  return {
    rounds,
    framesPerRun,
    warmupFrames,
    meanFrameBytes: sig(server.meanFrameBytes),
    variants,
    serverCpuUsPerFrame: sig(median(server.lines.map((l) => l.cpuUs / l.frames))),
    targets: {
      astroThroughput: target(variants.astro.throughputRatio, '>=', 1.0),
      validateThroughput: target(variants['astro-validate'].throughputRatio, '>=', 0.9),
      astroCpu: target(variants.astro.cpuRatio, '<=', 1.04),
      validateCpu: target(variants['astro-validate'].cpuRatio, '<=', 1.15),
    },
  };
}
