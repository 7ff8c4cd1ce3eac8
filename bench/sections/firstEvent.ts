/**
 * Section 6, time to the first event (in its own process, against the
 * throughput server of section 1, with `frames=1`): from `createAstroClient()`
 * and `topic().subscribe()` through `welcome`, the subscribe and its answer, to
 * the first `message` delivered, against the same steps on a raw `ws` socket
 * (`new WebSocket`, `welcome`, `subscribe`, its response, the first message,
 * `JSON.parse` of each). The two are alternated (the order rotates per round)
 * in one warm process; the ratio is the median of the per-round ratios.
 */
import WebSocket from 'ws';
import { createAstroClient } from '../astro';
import type { WebSocketCtor } from '../../lib/transport/types';
import { ROOM, TOPIC, emitResult, log, median, parseFlags, rotate, sig } from '../common';
import { startServer } from '../throughput/run';

const { quick } = parseFlags(process.argv.slice(2));
const ROUNDS = quick ? 10 : 40;
const WARMUP = quick ? 3 : 10;
const token = 'bench-token';

type Variant = 'raw' | 'astro';

function raw(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const ws = new WebSocket(url);
    ws.on('error', reject);
    ws.on('message', (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { type?: string; room?: string; nonce?: string };
      if (frame.type === 'welcome') {
        ws.send(JSON.stringify({ type: 'subscribe', nonce: 'n1', data: { topic: TOPIC, room: ROOM, token, token_type: 'jwt' } }));
      } else if (frame.type === 'message' && frame.room === ROOM) {
        const ms = performance.now() - t0;
        ws.close(1000);
        resolve(ms);
      }
    });
  });
}

function astro(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const client = createAstroClient({ url, token, WebSocketCtor: WebSocket as unknown as WebSocketCtor, heartbeatTimeoutMs: 0 });
    const sub = client.topic(TOPIC, { room: ROOM }).subscribe({
      next: () => {
        const ms = performance.now() - t0;
        queueMicrotask(() => {
          sub.unsubscribe();
          client.close();
        });
        resolve(ms);
      },
      error: reject,
    });
  });
}

const RUN: Record<Variant, (url: string) => Promise<number>> = { raw, astro };

async function main(): Promise<void> {
  const server = await startServer();
  const url = `ws://127.0.0.1:${server.port}/?frames=1`;
  const samples: Record<Variant, number[]> = { raw: [], astro: [] };
  try {
    for (let i = 0; i < WARMUP; i++) for (const v of ['raw', 'astro'] as const) await RUN[v](url);
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of rotate(['raw', 'astro'] as const, round)) samples[v].push(await RUN[v](url));
    }
  } finally {
    server.child.stdin.end();
    server.child.kill('SIGTERM');
  }
  const ratio = sig(median(samples.astro.map((a, i) => a / (samples.raw[i] as number))));
  log(`first event: raw ${median(samples.raw).toFixed(2)} ms, astro ${median(samples.astro).toFixed(2)} ms, ratio ${ratio}`);
  emitResult({
    rounds: ROUNDS,
    rawMs: sig(median(samples.raw)),
    astroMs: sig(median(samples.astro)),
    ratio,
    samples: { raw: samples.raw.map((v) => sig(v)), astro: samples.astro.map((v) => sig(v)) },
    targets: { ratio: { value: ratio, target: '<= 1.1x', met: ratio <= 1.1 } },
  });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
