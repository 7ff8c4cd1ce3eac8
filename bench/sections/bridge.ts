/**
 * Section 9, the Redis Streams bridge end to end (own process): the emulator
 * in its own process publishes at a steady high rate to ROOMS rooms; a bridge
 * worker (`startBridge`, own process) appends to a throwaway `redis-server`;
 * a `fromRedisStream` consumer (own process) acks each event. The baseline, in
 * the same run and on the same Redis: a raw `ws` socket + `JSON.parse` + plain
 * XADDs through an ioredis pipeline (the same fields and `MAXLEN ~`), read by a
 * raw XREADGROUP/XACK loop. The two variants use rooms of their own and are
 * alternated over rounds; each measure is a warm-up of WARMUP events then
 * EVENTS events. Reported per variant: events/s from the first publish to the
 * last ack, CPU per event of the producing and of the consuming process, and
 * Redis's own CPU per event; ratios are medians of per-round ratios (bridge /
 * raw). Also events lost and duplicated (by `seq`, over every round).
 */
import type Redis from 'ioredis';
import { startRedisServer, type RedisServer } from '../../spec/helpers/redisServer';
import { addDesired, redisKeys } from '../../lib/redis';
import { startRemoteEmulator, type RemoteEmulator } from '../emulator/remote';
import { emitResult, log, median, parseFlags, rotate, roomId, sig, TOPIC } from '../common';
import { forkChild, type BenchChild } from '../bridge/ipc';

const { quick } = parseFlags(process.argv.slice(2));
const ROUNDS = quick ? 2 : 5;
const EVENTS = quick ? 8_000 : 40_000;
const WARMUP = quick ? 2_000 : 5_000;
const ROOMS = 10;
/** Published per 1 ms tick of the emulator's timer: the steady rate asked for (the timer fires every ≥ 1 ms). */
const PER_TICK = 20;
const MAX_LEN = 1_000_000;
const VARIANTS = ['bridge', 'raw'] as const;
type Variant = (typeof VARIANTS)[number];

type Msg =
  | { type: 'ready' }
  | { type: 'marked' }
  | { type: 'state'; state: { owned: number } }
  | { type: 'done'; at: number; cpuUs: number }
  | { type: 'report'; cpuUs: number; lastAt?: number; seqs?: number[]; duplicates?: number; gaps?: number };
const is = <T extends Msg['type']>(t: T) => (m: Msg): m is Extract<Msg, { type: T }> => m.type === t;

interface Measure {
  variant: Variant;
  eventsPerSec: number;
  publishedPerSec: number;
  workerCpuUsPerEvent: number;
  consumerCpuUsPerEvent: number;
  redisCpuUsPerEvent: number;
  lost: number;
  duplicated: number;
  gaps: number;
}

interface Pair {
  readonly rooms: string[];
  readonly worker: BenchChild<Msg>;
  readonly consumer: BenchChild<Msg>;
}

async function redisCpuUs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`^used_cpu_${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (get('user') + get('sys')) * 1e6;
}

async function start(variant: Variant, server: RedisServer, emulator: RemoteEmulator, token: string): Promise<Pair> {
  const rooms = Array.from({ length: ROOMS }, (_, i) => roomId(variant === 'bridge' ? i : 1000 + i));
  const env = { REDIS_URL: server.url, ASTRO_URL: emulator.url, ASTRO_TOKEN_MAIN: token, PREFIX: variant, WORKER_ID: `${variant}-w`, LEASE_MS: '10000', MAX_LEN: String(MAX_LEN), ROOMS: rooms.join(','), TOPIC };
  if (variant === 'bridge') await addDesired(server.client(), rooms.map((room) => ({ topic: TOPIC, room, ref: 'main' })), variant);
  const worker = forkChild<Msg>('bench/bridge/worker.ts', [variant], env);
  const consumer = forkChild<Msg>('bench/bridge/consumer.ts', [variant], env);
  const ready = variant === 'bridge' ? (m: Msg): m is Msg => m.type === 'state' && m.state.owned === ROOMS : is('ready');
  await worker.next(ready, 60_000, `${variant} worker ready`);
  await consumer.next(is('ready'), 60_000, `${variant} consumer ready`);
  return { rooms, worker, consumer };
}

let nextSeq = 0;

/** Publishes `count` events to the pair's rooms and waits until the consumer acked them all. */
async function pass(pair: Pair, count: number, emulator: RemoteEmulator, redis: Redis, variant: Variant): Promise<Measure> {
  await pair.worker.ask({ cmd: 'mark' }, is('marked'), 10_000);
  const since = pair.consumer.received();
  await pair.consumer.ask({ cmd: 'mark', expect: count }, is('marked'), 10_000);
  const redisBefore = await redisCpuUs(redis);
  const firstSeq = nextSeq;
  nextSeq += count;
  await emulator.startPublishing(TOPIC, pair.rooms, 1, PER_TICK, count, firstSeq);
  await pair.consumer.next(is('done'), 30_000 + count, `${count} events acked`, since).catch((e: unknown) => log(`bridge: ${variant}: ${(e as Error).message}`));
  const [w, c, redisAfter] = [await pair.worker.ask({ cmd: 'report' }, is('report'), 10_000), await pair.consumer.ask({ cmd: 'report' }, is('report'), 10_000), await redisCpuUs(redis)];
  const published = await emulator.stopPublishing();
  const t0 = published[0]?.at ?? NaN;
  const seqs = new Set(c.seqs);
  const delivered = published.filter((p) => p.delivered > 0);
  return {
    variant,
    eventsPerSec: sig((seqs.size / ((c.lastAt ?? NaN) - t0)) * 1000, 4),
    publishedPerSec: sig((published.length / ((published.at(-1)?.at ?? NaN) - t0)) * 1000, 4),
    workerCpuUsPerEvent: sig(w.cpuUs / count, 3),
    consumerCpuUsPerEvent: sig(c.cpuUs / count, 3),
    redisCpuUsPerEvent: sig((redisAfter - redisBefore) / count, 3),
    lost: delivered.filter((p) => !seqs.has(p.seq)).length + (published.length - delivered.length),
    duplicated: c.duplicates ?? 0,
    gaps: c.gaps ?? 0,
  };
}

async function main(): Promise<void> {
  const server = await startRedisServer();
  const emulator = await startRemoteEmulator({ pingIntervalMs: 600_000 });
  const pairs: Partial<Record<Variant, Pair>> = {};
  try {
    const token = await emulator.issueToken({ channel: '*', scopes: ['*'] });
    const redis = server.client();
    for (const v of VARIANTS) pairs[v] = await start(v, server, emulator, token);
    const rounds: Array<Record<Variant, Measure>> = [];
    for (let r = 0; r < ROUNDS; r++) {
      const round: Partial<Record<Variant, Measure>> = {};
      for (const v of rotate(VARIANTS, r)) {
        const pair = pairs[v] as Pair;
        await pass(pair, WARMUP, emulator, redis, v);
        const m = await pass(pair, EVENTS, emulator, redis, v);
        round[v] = m;
        await redis.xtrim(redisKeys(v).stream(TOPIC), 'MAXLEN', 0);
        log(`bridge: round ${r + 1} ${v}: ${m.eventsPerSec} events/s (published ${m.publishedPerSec}/s), CPU/event worker ${m.workerCpuUsPerEvent} µs, consumer ${m.consumerCpuUsPerEvent} µs, redis ${m.redisCpuUsPerEvent} µs; lost ${m.lost}, duplicated ${m.duplicated}`);
      }
      rounds.push(round as Record<Variant, Measure>);
    }
    emitResult(summary(rounds));
  } finally {
    await Promise.all(Object.values(pairs).flatMap((p) => [p.worker.kill(), p.consumer.kill()]));
    await emulator.close();
    await server.kill();
  }
}

type Figure = Exclude<keyof Measure, 'variant' | 'lost' | 'duplicated' | 'gaps'>;
const FIGURES: readonly Figure[] = ['eventsPerSec', 'publishedPerSec', 'workerCpuUsPerEvent', 'consumerCpuUsPerEvent', 'redisCpuUsPerEvent'];
const cpuOf = (m: Measure) => m.workerCpuUsPerEvent + m.consumerCpuUsPerEvent;

function summary(rounds: Array<Record<Variant, Measure>>) {
  const med = (v: Variant) => Object.fromEntries(FIGURES.map((k) => [k, sig(median(rounds.map((r) => r[v][k])), 3)])) as Record<Figure, number>;
  const ratio = (of: (m: Measure) => number) => sig(median(rounds.map((r) => of(r.bridge) / of(r.raw))), 3);
  const total = (k: 'lost' | 'duplicated' | 'gaps') => rounds.reduce((n, r) => n + r.bridge[k], 0);
  const perVariant = { bridge: med('bridge'), raw: med('raw') };
  const ratios = {
    eventsPerSec: ratio((m) => m.eventsPerSec),
    cpuPerEvent: ratio(cpuOf),
    workerCpu: ratio((m) => m.workerCpuUsPerEvent),
    consumerCpu: ratio((m) => m.consumerCpuUsPerEvent),
    redisCpu: ratio((m) => m.redisCpuUsPerEvent),
  };
  const lost = total('lost');
  const duplicated = total('duplicated');
  return {
    rounds: ROUNDS,
    events: EVENTS,
    warmup: WARMUP,
    rooms: ROOMS,
    perVariant,
    ratios,
    lost,
    duplicated,
    gapMarkers: total('gaps'),
    runs: rounds,
    targets: {
      lost: { value: lost, target: '0', met: lost === 0 },
      duplicated: { value: duplicated, target: '0', met: duplicated === 0 },
    },
    table: { title: `9 bridge (${ROUNDS} rounds × ${n(EVENTS)} events, ${ROOMS} rooms, emulator → worker → Redis → consumer)`, rows: rows(perVariant, ratios, lost, duplicated) },
  };
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const x = (v: number) => `${v.toFixed(2)}x`;

function rows(p: Record<Variant, Record<Figure, number>>, r: Record<'eventsPerSec' | 'cpuPerEvent' | 'workerCpu' | 'consumerCpu' | 'redisCpu', number>, lost: number, duplicated: number): string[][] {
  const { bridge: b, raw } = p;
  return [
    ['raw ws + ioredis XADD pipeline → XREADGROUP/XACK [baseline]: events/s', `${n(raw.eventsPerSec)} (published ${n(raw.publishedPerSec)}/s)`, x(1), '', ''],
    ['raw: CPU/event producer / consumer / redis-server', `${raw.workerCpuUsPerEvent} / ${raw.consumerCpuUsPerEvent} / ${raw.redisCpuUsPerEvent} µs`, x(1), '', ''],
    ['startBridge → fromRedisStream: events/s', `${n(b.eventsPerSec)} (published ${n(b.publishedPerSec)}/s)`, x(r.eventsPerSec), '', ''],
    ['bridge: CPU/event worker / consumer / redis-server', `${b.workerCpuUsPerEvent} / ${b.consumerCpuUsPerEvent} / ${b.redisCpuUsPerEvent} µs`, `${x(r.workerCpu)} / ${x(r.consumerCpu)} / ${x(r.redisCpu)}`, '', ''],
    ['bridge: CPU/event, worker + consumer', `${sig(b.workerCpuUsPerEvent + b.consumerCpuUsPerEvent, 3)} µs`, x(r.cpuPerEvent), '', ''],
    ['bridge: events lost / duplicated (by seq, every round)', `${lost} / ${duplicated} of ${n(ROUNDS * EVENTS)}`, '', '0 / 0', lost === 0 && duplicated === 0 ? 'yes' : 'NO'],
  ];
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
