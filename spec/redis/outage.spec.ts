/**
 * Redis away for 5 s: the bridge does not crash, keeps its subscriptions,
 * buffers within its bound and flushes in order when Redis is back; past the
 * bound it drops the oldest events and appends a gap marker for them.
 */
import type Redis from 'ioredis';
import { startEmulator, type Emulator } from '../../lib/testing';
import { addDesired, redisKeys, startBridge, type Bridge, type BridgeMetrics, type BridgeState } from '../../lib/redis';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';
import { sleep, waitUntil } from '../helpers/waitUntil';
import { readStream } from './streamReader';

jest.setTimeout(60_000);

const TOPIC = 'channel.tips';
const ROOMS = ['o1', 'o2', 'o3'];

let server: RedisServer;
let emulator: Emulator;
let redis: Redis;
const bridges: Bridge[] = [];
let publisher: ReturnType<typeof setInterval> | undefined;

afterAll(async () => {
  if (publisher) clearInterval(publisher);
  await Promise.all(bridges.map((b) => b.stop()));
  await emulator?.close();
  await server?.kill();
}, 30_000);

function start(prefix: string, bufferSize: number) {
  const bridge = startBridge({
    redis,
    url: emulator.url,
    prefix,
    workerId: `${prefix}-w`,
    leaseMs: 1000,
    // nobody takes over at the end: stop() need not wait for a next owner
    stopTimeoutMs: 100,
    bufferSize,
    tokenFor: (ref) => (ref === 'main' ? token : undefined),
    rateLimit: { burst: 1000, intervalMs: 5, reserve: 2 },
  });
  bridges.push(bridge);
  const last: { state?: BridgeState; metrics?: BridgeMetrics; states: BridgeState[] } = { states: [] };
  bridge.state$.subscribe((s) => ((last.state = s), last.states.push(s)));
  bridge.metrics$.subscribe((m) => (last.metrics = m));
  return last;
}
let token: string;

it('buffers through a 5 s outage, flushes in order, and marks a gap past the bound', async () => {
  server = await startRedisServer();
  emulator = await startEmulator({ port: 0, rateLimit: { burst: 1000, intervalMs: 5 } });
  token = emulator.issueToken({ channel: '*', scopes: ['*'] });
  redis = server.client();
  const keys = ROOMS.map((room) => ({ topic: TOPIC, room, ref: 'main' }));
  await addDesired(redis, keys, 'big');
  await addDesired(redis, keys, 'small');
  const big = start('big', 10_000);
  const small = start('small', 20);
  await waitUntil(() => ROOMS.every((r) => emulator.subscriptionCount(TOPIC, r) === 2) && big.state?.owned === 3 && small.state?.owned === 3, 15_000, 'both bridges own the 3 keys');
  let seq = 0;
  const sent: Array<{ seq: number; room: string; delivered: number }> = [];
  publisher = setInterval(() => {
    for (const room of ROOMS) {
      seq++;
      sent.push({ seq, room, delivered: emulator.publish(TOPIC, room, { donation: { amount: seq, currency: 'EUR' } }).delivered });
    }
  }, 50);
  await sleep(1000);
  await server.stop({ save: true });
  await waitUntil(() => big.state?.redis === 'down' && (big.state?.buffered ?? 0) > 20, 5000, 'the big bridge buffers');
  await sleep(4000);
  await server.start();
  await waitUntil(() => big.state?.redis === 'up' && big.state.buffered === 0 && small.state?.redis === 'up' && small.state.buffered === 0, 20_000, 'both flushed');
  await sleep(1000);
  clearInterval(publisher);
  publisher = undefined;
  // the last events land (bounded; a miss shows in the checks below)
  const last = String(sent.at(-1)?.seq);
  const landed = async (prefix: string) => (await redis.xrevrange(redisKeys(prefix).stream(TOPIC), '+', '-', 'COUNT', 1))[0]?.[1].includes(`{"donation":{"amount":${last},"currency":"EUR"}}`) ?? false;
  await waitUntil(async () => (await landed('big')) && (await landed('small')), 5000, 'the last event in both streams').catch(() => undefined);

  // no event was lost at the gateway side: both bridges stayed subscribed throughout
  expect(sent.filter((s) => s.delivered !== 2)).toEqual([]);
  const seqs = (entries: Awaited<ReturnType<typeof readStream>>) =>
    entries.flatMap((e) => (e.type === 'message' ? [(e.data as { donation: { amount: number } }).donation.amount] : []));

  const bigEntries = await readStream(redis, redisKeys('big').stream(TOPIC));
  expect(seqs(bigEntries)).toEqual(sent.map((s) => s.seq));
  expect(bigEntries.filter((e) => e.type === 'gap')).toEqual([]);
  expect(big.states.some((s) => s.buffered > 20 && s.redis === 'down')).toBe(true);

  const smallEntries = await readStream(redis, redisKeys('small').stream(TOPIC));
  const kept = seqs(smallEntries);
  // in order, with the oldest of the outage dropped
  expect(kept).toEqual([...kept].sort((a, b) => a - b));
  const missing = sent.length - kept.length;
  expect(missing).toBeGreaterThan(20);
  // every missing event was dropped; a dropped one may still have arrived (its batch reached Redis as the connection died)
  expect(small.metrics?.dropped).toBeGreaterThanOrEqual(missing);
  expect(small.metrics?.dropped).toBeLessThan(missing + 60);
  const gaps = smallEntries.filter((e) => e.type === 'gap');
  expect(gaps.length).toBeGreaterThan(0);
  expect(gaps.every((g) => g.type === 'gap' && g.cause === 'buffer_overflow' && g.to >= g.from)).toBe(true);
  // the gap markers come before the events that were kept from the outage
  const firstGap = smallEntries.findIndex((e) => e.type === 'gap');
  const lastKeptBeforeGap = seqs(smallEntries.slice(0, firstGap)).pop() ?? 0;
  const firstAfterGap = seqs(smallEntries.slice(firstGap)).shift() ?? 0;
  expect(firstAfterGap - lastKeptBeforeGap).toBeGreaterThan(20);
});
