/**
 * The producing side of the bridge benchmarks, in its own process:
 * - `bridge`: a bridge worker (`startBridge`), sending its state to the parent;
 * - `raw`: the baseline, a raw `ws` socket subscribed to ROOMS whose messages are
 *   `JSON.parse`d and appended with plain XADDs (the bridge's own fields, same
 *   `MAXLEN ~`) through one ioredis pipeline per tick.
 * Environment: REDIS_URL, ASTRO_URL, ASTRO_TOKEN_MAIN, PREFIX, WORKER_ID,
 * LEASE_MS, MAX_LEN, ROOMS (raw: comma-separated), TOPIC, RATE_LIMIT (bridge:
 * the client's `rateLimit` as JSON, optional).
 */
import Redis from 'ioredis';
import WebSocket from 'ws';
import { startBridge } from '../../lib/redis';
import { messageEntry, toFields } from '../../lib/redis/entries';
import { redisKeys } from '../../lib/redis/keys';
import type { TopicMessage } from '../../lib/client/types';
import { cpuSince, exitWithParent, send, type ToChild } from './ipc';

const env = (name: string): string => process.env[name] ?? '';
const mode = process.argv[2];
const redis = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);
let mark = process.cpuUsage();
process.on('message', (m: ToChild) => {
  if (m.cmd === 'mark') {
    mark = process.cpuUsage();
    send({ type: 'marked' });
  } else send({ type: 'report', cpuUs: cpuSince(mark) });
});

if (mode === 'bridge') {
  const bridge = startBridge({
    redis,
    url: env('ASTRO_URL'),
    workerId: env('WORKER_ID'),
    prefix: env('PREFIX'),
    leaseMs: Number(env('LEASE_MS')),
    maxLen: Number(env('MAX_LEN')),
    bufferSize: 1_000_000,
    tokenFor: (ref) => (ref === 'main' ? env('ASTRO_TOKEN_MAIN') : undefined),
    ...(env('RATE_LIMIT') ? { rateLimit: JSON.parse(env('RATE_LIMIT')) as { burst: number; intervalMs: number } } : {}),
  });
  bridge.state$.subscribe((state) => send({ type: 'state', state }));
  exitWithParent(() => void bridge.stop());
} else {
  const rooms = env('ROOMS').split(',');
  const stream = redisKeys(env('PREFIX')).stream(env('TOPIC'));
  const maxLen = env('MAX_LEN');
  let batch: string[][] = [];
  const flush = () => {
    const pipeline = redis.pipeline();
    for (const fields of batch) pipeline.xadd(stream, 'MAXLEN', '~', maxLen, '*', ...fields);
    batch = [];
    void pipeline.exec();
  };
  const ws = new WebSocket(env('ASTRO_URL'));
  let confirmed = 0;
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as { type?: string; error?: string };
    if (frame.type === 'message') {
      if (batch.length === 0) setImmediate(flush);
      batch.push(toFields(messageEntry(frame as TopicMessage<string>, 0)));
    } else if (frame.type === 'welcome') {
      rooms.forEach((room, i) => ws.send(JSON.stringify({ type: 'subscribe', nonce: `n${i}`, data: { topic: env('TOPIC'), room, token: env('ASTRO_TOKEN_MAIN'), token_type: 'jwt' } })));
    } else if (frame.type === 'response' && frame.error === undefined && ++confirmed === rooms.length) {
      send({ type: 'ready' });
    }
  });
  exitWithParent(() => ws.close());
}
