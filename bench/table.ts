/** Renders bench/results.json as the one table `npm run bench` prints. */
import type { Target, ThroughputResult } from './throughput/run';
import { VARIANTS } from './throughput/run';

interface RoutingResult {
  rooms: number[];
  rounds: number;
  measureMs: number;
  perK: Record<string, { usPerFrame: number; ratioToOneRoom: number; subscribeMs: number; unsubscribeMs?: number }>;
  heapBytesPerRoom: number;
  breakdown: { jsonParseUs: number; decodeFrameUs: number; decodeFrameValidateUs: number; clientUs: number; jsonParseShareOfClient: number };
  targets: { ratioAtMostRooms: Target & { rooms: number }; heapPerRoom: Target };
}

interface RateLimitRun {
  wallMs: number;
  ratio: number;
  rateLimitedMax: number;
  runs: unknown[];
}

interface RateLimitResult extends RateLimitRun {
  rooms: number;
  theoreticalMs: number;
  reserve: RateLimitRun & { clientRateLimit: { burst: number; intervalMs: number } };
  targets: { ratio: Target; rateLimited: Target };
}

interface HandoverResult {
  rooms: number;
  drain: {
    drains: number;
    reconnectToWelcomeMs: number;
    reconnectToFirstEventMs: number;
    reconnectToFirstEventMinMs: number;
    reconnectToFirstEventMaxMs: number;
    lost: number;
    duplicated: number;
    published: number;
    subscribesSent: number;
    gaps: number;
    reconnectUrlBytes: number;
  };
  fresh: {
    backoffMs: number;
    dropToWelcomeMs: number;
    resubscribeMs: number;
    theoreticalScaledMs: number;
    resubscribeRatio: number;
    extrapolatedRealMs: number;
    theoreticalRealMs: number;
    lost: number;
    published: number;
    gapReported: boolean;
  };
  emulatorRateLimited: number;
  targets: { lost: Target; duplicated: Target };
}

interface BundleResult {
  own: { minKiB: number; gzKiB: number };
  all: { minKiB: number; gzKiB: number };
  createAstroClientOnly: { ownGzKiB: number; ownMinKiB: number; allGzKiB: number; allMinKiB: number };
  minimalApps: Record<string, { ownGzKiB: number; allGzKiB: number }>;
  includesWs: boolean;
  targets: { own: Target; all: Target };
}

interface FirstEventResult {
  rounds: number;
  rawMs: number;
  astroMs: number;
  ratio: number;
  targets: { ratio: Target };
}

interface IdleResult {
  rooms: number;
  idleMs: number;
  cpuShareOfCore: number;
  timers: { before: number; held: number; after: number };
  targets: { cpu: Target; timers: Target };
}

export interface Results {
  mode: string;
  date: string;
  durationS: number;
  machine: { cores: number; cpu: string; node: string; platform: string; loadavg: number[]; loadavgAfter: number[] };
  rounds?: number;
  sections: {
    throughput?: unknown;
    routing?: unknown;
    ratelimit?: unknown;
    handover?: unknown;
    bundle?: unknown;
    firstevent?: unknown;
    idle?: unknown;
    [section: string]: unknown;
  };
  errors?: Record<string, string>;
}

type Row = [section: string, figure: string, measured: string, ratio: string, target: string, met: string];

const x = (v: number) => `${v.toFixed(v >= 10 ? 1 : 2)}x`;
const n = (v: number) => Math.round(v).toLocaleString('en-US');
const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${n(v)} ms`);
const met = (t?: Target) => (t === undefined ? '' : t.met ? 'yes' : 'NO');

export function renderTable(results: Results): string {
  const rows: Row[] = [];
  const t = results.sections.throughput as ThroughputResult | undefined;
  if (t) {
    const s = `1 throughput (${t.rounds} rounds × ${n(t.framesPerRun - t.warmupFrames)} frames, ${Math.round(t.meanFrameBytes)} B)`;
    for (const v of VARIANTS) {
      const r = t.variants[v];
      const thr = v === 'astro' ? t.targets.astroThroughput : v === 'astro-validate' ? t.targets.validateThroughput : undefined;
      const cpu = v === 'astro' ? t.targets.astroCpu : v === 'astro-validate' ? t.targets.validateCpu : undefined;
      rows.push([s, `${r.label}: frames/s`, `${n(r.framesPerSec)} (${n(r.framesPerSecMin)}–${n(r.framesPerSecMax)})`, x(r.throughputRatio), thr?.target ?? '', met(thr)]);
      rows.push([s, `${r.label}: CPU/frame`, `${r.cpuUsPerFrame} µs`, x(r.cpuRatio), cpu?.target ?? '', met(cpu)]);
    }
    rows.push([s, 'server CPU/frame (not the bottleneck)', `${t.serverCpuUsPerFrame} µs`, '', '', '']);
  }
  const r = results.sections.routing as RoutingResult | undefined;
  if (r) {
    const s = `2 routing (${r.rounds} rounds × ≥ ${r.measureMs} ms, in-process)`;
    for (const k of r.rooms) {
      const p = r.perK[String(k)];
      if (!p) continue;
      const isBig = k === r.targets.ratioAtMostRooms.rooms;
      rows.push([s, `per-frame cost, ${n(k)} room(s) subscribed`, `${p.usPerFrame} µs`, x(p.ratioToOneRoom), isBig ? r.targets.ratioAtMostRooms.target : k === 1 ? 'baseline' : '', isBig ? met(r.targets.ratioAtMostRooms) : '']);
    }
    const bd = r.breakdown;
    rows.push([s, 'per frame, 1 room: JSON.parse / decodeFrame / + payload / client', `${bd.jsonParseUs} / ${bd.decodeFrameUs} / ${bd.decodeFrameValidateUs} / ${bd.clientUs} µs`, `${Math.round(bd.jsonParseShareOfClient * 100)}% parse`, '', '']);
    rows.push([s, 'heap per room subscription', `${n(r.heapBytesPerRoom)} B`, '', r.targets.heapPerRoom.target, met(r.targets.heapPerRoom)]);
    for (const k of r.rooms) {
      const p = r.perK[String(k)];
      if (p && k > 1) rows.push([s, `subscribe / unsubscribe ${n(k)} rooms (fake transport)`, `${ms(p.subscribeMs)} / ${ms(p.unsubscribeMs ?? NaN)}`, '', '', '']);
    }
  }
  const l = results.sections.ratelimit as RateLimitResult | undefined;
  if (l) {
    const s = `3 rate limit (${n(l.rooms)} rooms, burst 100 / 10 ms, ${l.runs.length} run(s))`;
    rows.push([s, 'wall time / theoretical minimum', `${ms(l.wallMs)} / ${ms(l.theoreticalMs)}`, x(l.ratio), l.targets.ratio.target, met(l.targets.ratio)]);
    rows.push([s, 'rate_limit_exceeded (emulator)', String(l.rateLimitedMax), '', l.targets.rateLimited.target, met(l.targets.rateLimited)]);
    rows.push([s, `client burst ${l.reserve.clientRateLimit.burst} (reserve of ${100 - l.reserve.clientRateLimit.burst}): wall, rejections`, `${ms(l.reserve.wallMs)}, ${l.reserve.rateLimitedMax}`, x(l.reserve.ratio), '', '']);
  }
  const h = results.sections.handover as HandoverResult | undefined;
  if (h) {
    const s = `4 handover (${n(h.rooms)} rooms, ${h.drain.drains} drains)`;
    rows.push([s, 'drain: reconnect frame → first event on new socket', `${h.drain.reconnectToFirstEventMs} ms (${h.drain.reconnectToFirstEventMinMs}–${h.drain.reconnectToFirstEventMaxMs})`, '', '', '']);
    rows.push([s, 'drain: reconnect frame → new welcome', `${h.drain.reconnectToWelcomeMs} ms`, '', '', '']);
    rows.push([s, 'drain: events lost', `${h.drain.lost} of ${n(h.drain.published)}`, '', h.targets.lost.target, met(h.targets.lost)]);
    rows.push([s, 'drain: events duplicated', String(h.drain.duplicated), '', h.targets.duplicated.target, met(h.targets.duplicated)]);
    rows.push([s, 'drain: subscribe commands sent / gaps', `${h.drain.subscribesSent} / ${h.drain.gaps}`, '', '', '']);
    rows.push([s, 'fresh: drop → welcome (backoff ' + h.fresh.backoffMs + ' ms)', ms(h.fresh.dropToWelcomeMs), '', '', '']);
    rows.push([s, 'fresh: resubscribe (scaled bucket)', `${ms(h.fresh.resubscribeMs)} / ${ms(h.fresh.theoreticalScaledMs)} min`, x(h.fresh.resubscribeRatio), '', '']);
    rows.push([s, 'fresh: resubscribe extrapolated to 100 ms / burst 100', `${ms(h.fresh.extrapolatedRealMs)} / ${ms(h.fresh.theoreticalRealMs)} min`, '', '', '']);
    rows.push([s, 'fresh: events lost (gap reported)', `${h.fresh.lost} of ${n(h.fresh.published)} (${h.fresh.gapReported ? 'yes' : 'no'})`, '', '', '']);
  }
  const b = results.sections.bundle as BundleResult | undefined;
  if (b) {
    const s = '5 bundle (browser entry, esbuild min + gzip -9)';
    const c = b.createAstroClientOnly;
    rows.push([s, 'only createAstroClient: own code (deps external)', `${c.ownGzKiB} KiB gz (${c.ownMinKiB} KiB min)`, '', b.targets.own.target, met(b.targets.own)]);
    rows.push([s, 'only createAstroClient: all included', `${c.allGzKiB} KiB gz (${c.allMinKiB} KiB min)`, '', b.targets.all.target, met(b.targets.all)]);
    rows.push([s, 'whole entry (lib/index.ts): own / all', `${b.own.gzKiB} / ${b.all.gzKiB} KiB gz`, '', '', '']);
    for (const [app, m] of Object.entries(b.minimalApps ?? {})) {
      rows.push([s, `minimal app, ${app}: own / all`, `${m.ownGzKiB} / ${m.allGzKiB} KiB gz`, '', '', '']);
    }
    rows.push([s, 'ws in the browser bundle', b.includesWs ? 'yes' : 'no', '', 'no', b.includesWs ? 'NO' : 'yes']);
  }

  const f = results.sections.firstevent as FirstEventResult | undefined;
  if (f) {
    const s = `6 first event (${f.rounds} rounds, loopback)`;
    rows.push([s, 'raw ws: open → welcome → subscribe → response → message [baseline]', `${f.rawMs} ms`, x(1), '', '']);
    rows.push([s, 'astro-rx: createAstroClient → … → first topic() event', `${f.astroMs} ms`, x(f.ratio), f.targets.ratio.target, met(f.targets.ratio)]);
  }
  const i = results.sections.idle as IdleResult | undefined;
  if (i) {
    const s = `7 idle (${n(i.rooms)} rooms held, no traffic, ${ms(i.idleMs)})`;
    rows.push([s, 'CPU, share of one core', `${(i.cpuShareOfCore * 100).toFixed(3)} %`, '', i.targets.cpu.target, met(i.targets.cpu)]);
    rows.push([s, 'timers: before the client / rooms held / after the idle time', `${i.timers.before} / ${i.timers.held} / ${i.timers.after}`, '', i.targets.timers.target, met(i.targets.timers)]);
  }

  // sections that bring their own rows: { table: { title, rows: [figure, measured, ratio, target, met][] } }
  for (const section of Object.values(results.sections)) {
    const own = (section as { table?: { title: string; rows: Row extends [string, ...infer R] ? R[] : never } } | undefined)?.table;
    if (own) for (const row of own.rows) rows.push([own.title, ...row]);
  }

  // the section name only on its first row
  for (let i = rows.length - 1; i > 0; i--) if ((rows[i] as Row)[0] === (rows[i - 1] as Row)[0]) (rows[i] as Row)[0] = '';
  const head: Row = ['section', 'figure', 'measured', 'ratio', 'target', 'met'];
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((row) => row[i]?.length ?? 0)));
  const line = (row: Row) => `| ${row.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  const m = results.machine;
  const out = [
    '',
    `astro-rx benchmarks (${results.mode}) ${results.date}, ${results.durationS} s`,
    `machine: ${m.cores} cores, ${m.cpu}, Node ${m.node}, ${m.platform}; load average ${m.loadavg.join(' ')} → ${m.loadavgAfter.join(' ')}` +
      (results.rounds ? `; throughput rounds: ${results.rounds}` : ''),
    'ratios: throughput and CPU against (a) in the same round; routing against 1 room in the same round',
    '',
    line(head),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    '',
  ];
  for (const [name, error] of Object.entries(results.errors ?? {})) out.push(`FAILED ${name}: ${error}`);
  return `${out.join('\n')}\n`;
}
