/**
 * One throughput client, in its own process:
 * `client.ts <variant> <url> <frames> <warmup>`.
 *
 * - `raw`: the `ws` package and `JSON.parse(data.toString())` (the baseline);
 * - `rxjs`: RxJS's `webSocket` subject (its default `JSON.parse` deserializer);
 * - `astro`: astro-rx `client.topic()` (envelope decoding with io-ts);
 * - `astro-validate`: the same with `validatePayloads: true`.
 *
 * Each subscribes to one topic in one room, then counts `message` frames. The
 * first `warmup` frames are not measured (JIT warm-up); wall time and
 * `process.cpuUsage()` (user + system) are taken over the rest.
 */
import WebSocket from 'ws';
import { webSocket } from 'rxjs/webSocket';
import { createAstroClient } from '../astro';
import type { WebSocketCtor } from '../../lib/transport/types';
import { ROOM, TOPIC, emitResult } from '../common';

const [variant = 'raw', url = '', framesArg = '200000', warmupArg = '20000'] = process.argv.slice(2);
const total = Number(framesArg);
const warmup = Number(warmupArg);
const token = 'bench-token';

let count = 0;
let t0 = 0;
let c0: NodeJS.CpuUsage = { user: 0, system: 0 };
let close: () => void = () => undefined;
let extra: () => Record<string, unknown> = () => ({});

const watchdog = setTimeout(() => {
  process.stderr.write(`throughput client ${variant}: only ${count} of ${total} frames after 120 s\n`);
  process.exit(2);
}, 120_000);

function onFrame(): void {
  count++;
  if (count === warmup) {
    t0 = performance.now();
    c0 = process.cpuUsage();
  } else if (count === total) {
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const frames = total - warmup;
    clearTimeout(watchdog);
    emitResult({ variant, frames, ms, cpuUs: cpu.user + cpu.system, framesPerSec: (frames * 1000) / ms, cpuUsPerFrame: (cpu.user + cpu.system) / frames, ...extra() });
    close();
    setImmediate(() => process.exit(0));
  }
}

const subscribeText = (nonce: string) => JSON.stringify({ type: 'subscribe', nonce, data: { topic: TOPIC, room: ROOM, token, token_type: 'jwt' } });

switch (variant) {
  case 'raw': {
    const ws = new WebSocket(url);
    ws.on('message', (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { type?: string; room?: string };
      if (frame.type === 'message') {
        if (frame.room === ROOM) onFrame();
      } else if (frame.type === 'welcome') {
        ws.send(subscribeText('n1'));
      }
    });
    close = () => ws.close(1000);
    break;
  }
  case 'rxjs': {
    const subject = webSocket<{ type?: string; room?: string }>({ url, WebSocketCtor: WebSocket as unknown as typeof globalThis.WebSocket });
    const sub = subject.subscribe((frame) => {
      if (frame.type === 'message') {
        if (frame.room === ROOM) onFrame();
      } else if (frame.type === 'welcome') {
        subject.next(JSON.parse(subscribeText('n1')) as object);
      }
    });
    close = () => sub.unsubscribe();
    break;
  }
  case 'astro':
  case 'astro-validate': {
    const client = createAstroClient({
      url,
      token,
      WebSocketCtor: WebSocket as unknown as WebSocketCtor,
      validatePayloads: variant === 'astro-validate',
      heartbeatTimeoutMs: 0,
    });
    let decodeFailures = 0;
    const metrics = client.metrics$.subscribe((m) => (decodeFailures = m.decodeFailures));
    const sub = client.topic(TOPIC, { room: ROOM }).subscribe(onFrame);
    extra = () => ({ decodeFailures });
    close = () => {
      sub.unsubscribe();
      metrics.unsubscribe();
      client.close();
    };
    break;
  }
  default:
    process.stderr.write(`unknown variant ${variant}\n`);
    process.exit(1);
}
