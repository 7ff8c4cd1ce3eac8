/**
 * Section 2, routing cost vs subscriptions (run with `--expose-gc`, in its own
 * process). The client is driven in-process through a fake `openSocket` (no
 * network, no timers on the hot path): frames are pushed synchronously as
 * `{ type: 'frame', data }` events, the way spec/helpers/fakeGateway.ts does.
 *
 * For K = 1, 100, 10 000 rooms subscribed (one client each, all alive at once),
 * N frames for ONE of the rooms are pushed and timed; the clients are measured
 * alternately (the order rotates per round) and the median per K is reported,
 * with its ratio to K = 1. Also: heap per room subscription (global.gc, the
 * difference between a 10 000-room and a 1-room client), the time to subscribe
 * the K rooms and the time to unsubscribe them one by one.
 */
import type { Subscription } from 'rxjs';
import { createAstroClient } from '../astro';
import type { AstroClient } from '../../lib/client/types';
import { type Fake, fakeTransport } from '../fakeTransport';
import { decodeFrame } from '../../lib/protocol/decode';
import { tokenSigner } from '../../lib/testing/tokens';
import { ROOM, TOPIC, emitResult, log, median, messageFrames, parseFlags, rotate, sig, sleep, until } from '../common';

const { quick } = parseFlags(process.argv.slice(2));
// --quick stops at 1 000 rooms: with 10 000, subscribing alone takes tens of seconds (see PERFORMANCE.md)
const BIG = quick ? 1_000 : 10_000;
const KS = [1, 100, BIG] as const;
const ROUNDS = quick ? 3 : 5;
/** Each measure pushes frames in batches until it has run this long and pushed at least MIN_FRAMES. */
const MEASURE_MS = quick ? 100 : 300;
const MIN_FRAMES = 1_000;
const BATCH = 250;
const WARMUP = quick ? 2_000 : 5_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const fullGc = () => {
  gc();
  gc();
};

interface Bench {
  readonly k: number;
  readonly client: AstroClient;
  readonly fake: Fake;
  readonly subs: Subscription[];
  received: number;
  setupMs: number;
}

/** A JWT of realistic length (~290 characters), as the emulator issues them: the client keeps it per subscription. */
const TOKEN = tokenSigner('bench-secret').issue({ channel: '*', scopes: ['activities:read'] });

const roomName = (i: number) => (i === 0 ? ROOM : `room-${i.toString().padStart(6, '0')}`);

async function build(k: number): Promise<Bench> {
  const fake = fakeTransport();
  const t0 = performance.now();
  const client = createAstroClient({
    url: 'ws://127.0.0.1:1',
    token: TOKEN,
    openSocket: fake.openSocket,
    rateLimit: { burst: 1_000_000, intervalMs: 1 },
    heartbeatTimeoutMs: 0,
    requestTimeoutMs: 600_000,
  });
  const bench: Bench = { k, client, fake, subs: [], received: 0, setupMs: 0 };
  const count = () => bench.received++;
  for (let i = 0; i < k; i++) bench.subs.push(client.topic(TOPIC, { room: roomName(i) }).subscribe(i === 0 ? count : () => undefined));
  await until(() => fake.responses >= k, 600_000, `${k} subscribe responses`);
  await sleep(0);
  bench.setupMs = performance.now() - t0;
  return bench;
}

/** Pushes `n` frames for the first room; returns µs per frame. */
function push(bench: Bench, frames: readonly string[], n: number): number {
  const before = bench.received;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) bench.fake.push(frames[i % frames.length] as string);
  const us = ((performance.now() - t0) * 1000) / n;
  if (bench.received - before !== n) throw new Error(`K=${bench.k}: delivered ${bench.received - before} of ${n} frames`);
  return us;
}

/** Calls `work` on the frames in turn for at least MEASURE_MS and MIN_FRAMES; returns µs per call and the count. */
function measureWork(frames: readonly string[], work: (frame: string) => unknown): { us: number; frames: number } {
  const t0 = performance.now();
  let n = 0;
  let elapsed = 0;
  let sink = 0;
  while (elapsed < MEASURE_MS || n < MIN_FRAMES) {
    for (let i = 0; i < BATCH; i++) if (work(frames[(n + i) % frames.length] as string) !== undefined) sink++;
    n += BATCH;
    elapsed = performance.now() - t0;
  }
  if (sink < 0) log('unreachable');
  return { us: (elapsed * 1000) / n, frames: n };
}

/** Pushes frames for the first room for at least MEASURE_MS and MIN_FRAMES; returns µs per frame and the count. */
function measure(bench: Bench, frames: readonly string[]): { us: number; frames: number } {
  const before = bench.received;
  const result = measureWork(frames, (f) => bench.fake.push(f));
  if (bench.received - before !== result.frames) throw new Error(`K=${bench.k}: delivered ${bench.received - before} of ${result.frames} frames`);
  return result;
}

async function main(): Promise<void> {
  const frames = messageFrames(2048, ROOM, 7);

  // heap per room subscription
  fullGc();
  const h0 = process.memoryUsage().heapUsed;
  const one = await build(1);
  fullGc();
  const h1 = process.memoryUsage().heapUsed;
  const many = await build(BIG);
  fullGc();
  const h2 = process.memoryUsage().heapUsed;
  const heapBytesPerRoom = (h2 - h1 - (h1 - h0)) / (BIG - 1);
  log(`routing: heap ${Math.round(heapBytesPerRoom)} B per room subscription (client base ${Math.round((h1 - h0) / 1024)} KiB)`);

  const benches = new Map<number, Bench>([
    [1, one],
    [BIG, many],
  ]);
  benches.set(100, await build(100));
  for (const k of KS) log(`routing: subscribing ${k} rooms took ${(benches.get(k) as Bench).setupMs.toFixed(0)} ms`);

  for (const b of benches.values()) push(b, frames, WARMUP);
  const samples = new Map<number, number[]>(KS.map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of rotate(KS, round)) {
      fullGc();
      const { us, frames: n } = measure(benches.get(k) as Bench, frames);
      (samples.get(k) as number[]).push(us);
      log(`routing round ${round + 1}/${ROUNDS} K=${k}: ${us.toFixed(2)} µs/frame (${n} frames)`);
    }
  }
  const base = samples.get(1) as number[];
  const perK: Record<string, { usPerFrame: number; ratioToOneRoom: number; samples: number[]; subscribeMs: number; unsubscribeMs?: number }> = {};
  for (const k of KS) {
    const s = samples.get(k) as number[];
    perK[String(k)] = {
      usPerFrame: sig(median(s)),
      // per-round ratio to K=1 of the same round, then the median
      ratioToOneRoom: sig(median(s.map((v, i) => v / (base[i] as number)))),
      samples: s.map((v) => sig(v)),
      subscribeMs: sig((benches.get(k) as Bench).setupMs),
    };
  }

  // Where a frame's cost goes, 1 room, in-process: JSON.parse alone, the decoder, the whole client.
  const steps: Record<string, (f: string) => unknown> = {
    jsonParse: (f) => JSON.parse(f),
    decodeFrame: (f) => decodeFrame(f),
    decodeFrameValidate: (f) => decodeFrame(f, { validatePayloads: true }),
    client: (f) => (benches.get(1) as Bench).fake.push(f),
  };
  const stepSamples: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of rotate(Object.keys(steps), round)) {
      fullGc();
      (stepSamples[name] ??= []).push(measureWork(frames, steps[name] as (f: string) => unknown).us);
    }
  }
  const stepUs = (name: string) => sig(median(stepSamples[name] as number[]));
  const breakdown = {
    jsonParseUs: stepUs('jsonParse'),
    decodeFrameUs: stepUs('decodeFrame'),
    decodeFrameValidateUs: stepUs('decodeFrameValidate'),
    clientUs: stepUs('client'),
    jsonParseShareOfClient: sig(median((stepSamples['jsonParse'] as number[]).map((v, i) => v / ((stepSamples['client'] as number[])[i] as number)))),
  };
  log(`routing: per-frame breakdown ${JSON.stringify(breakdown)}`);

  // unsubscribing the rooms one by one (what an app leaving each room does)
  for (const k of KS) {
    const b = benches.get(k) as Bench;
    const t0 = performance.now();
    for (const s of b.subs) s.unsubscribe();
    (perK[String(k)] as { unsubscribeMs?: number }).unsubscribeMs = sig(performance.now() - t0);
    b.client.close();
  }

  const atBig = (perK[String(BIG)] as { ratioToOneRoom: number }).ratioToOneRoom;
  emitResult({
    rounds: ROUNDS,
    rooms: [...KS],
    measureMs: MEASURE_MS,
    minFramesPerMeasure: MIN_FRAMES,
    perK,
    heapBytesPerRoom: Math.round(heapBytesPerRoom),
    tokenChars: TOKEN.length,
    breakdown,
    targets: {
      ratioAtMostRooms: { rooms: BIG, value: atBig, target: '<= 1.5x', met: atBig <= 1.5 },
      heapPerRoom: { value: Math.round(heapBytesPerRoom), target: '<= 512 B', met: heapBytesPerRoom <= 512 },
    },
  });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
