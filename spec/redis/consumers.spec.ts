/**
 * Two consumer processes share a bridged stream in one consumer group. One is
 * killed with SIGKILL while it holds unacknowledged entries: the other claims
 * them (XAUTOCLAIM), and every entry is acked exactly once across both.
 */
import type Redis from 'ioredis';
import { redisKeys } from '../../lib/redis';
import { toFields, messageEntry } from '../../lib/redis/entries';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';
import { waitUntil } from '../helpers/waitUntil';
import { childEnv, killChildren, runTsx, type Child } from '../cli/childProcess';
import { compiledScript } from '../helpers/compiledScript';

jest.setTimeout(60_000);

const N = 300;
const STREAM = redisKeys('astro').stream('channel.tips');
let server: RedisServer;
let redis: Redis;
const children: Child[] = [];

afterAll(async () => {
  children.forEach((c) => c.proc.kill('SIGKILL'));
  await killChildren();
  await server?.kill();
}, 30_000);

const lines = (c: Child) => c.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { delivered?: string; acked?: string; first?: boolean });

it('claims a killed consumer’s pending entries; every entry is acked exactly once', async () => {
  server = await startRedisServer();
  redis = server.client();
  const consumerJs = await compiledScript('spec/redis/consumer.ts');
  const pipeline = redis.pipeline();
  for (let i = 0; i < N; i++) {
    const e = messageEntry({ id: `e${i}`, topic: 'channel.tips', room: 'c1', data: { donation: { amount: i, currency: 'EUR' } } } as never, 0);
    pipeline.xadd(STREAM, '*', ...toFields(e));
  }
  const ids = ((await pipeline.exec()) ?? []).map(([error, id]) => {
    if (error) throw error;
    return id as string;
  });
  expect(ids.length).toBe(N);
  const spawn = (name: string) => {
    const c = runTsx(consumerJs, [], childEnv({ REDIS_URL: server.url, CONSUMER: name, ACK_DELAY_MS: '15' }));
    children.push(c);
    return c;
  };
  const a = spawn('a');
  const b = spawn('b');
  await waitUntil(() => lines(a).filter((l) => l.acked).length >= 20, 20_000, 'consumer a acks 20');
  // its last lines may still be in the pipe when 'exit' comes: wait for the end of its stdout
  const aOutputRead = new Promise((resolve) => a.proc.stdout!.once('close', resolve));
  a.proc.kill('SIGKILL');
  await a.exited;
  await aOutputRead;
  const aLines = lines(a);
  const aAcked = new Set(aLines.filter((l) => l.acked && l.first).map((l) => l.acked!));
  const aUnacked = aLines.filter((l) => l.delivered && !aAcked.has(l.delivered)).map((l) => l.delivered!);
  expect(aUnacked.length).toBeGreaterThan(0);
  const ackedOnce = () => [...aLines, ...lines(b)].filter((l) => l.acked && l.first).map((l) => l.acked!);
  await waitUntil(() => new Set(ackedOnce()).size === N, 30_000, 'every entry acked');
  const all = ackedOnce();
  expect(all.length).toBe(N);
  expect(new Set(all)).toEqual(new Set(ids));
  // what a held when it died went to b
  const bAcked = new Set(lines(b).filter((l) => l.acked && l.first).map((l) => l.acked!));
  expect(aUnacked.filter((id) => !bAcked.has(id))).toEqual([]);
  const pending = (await redis.xpending(STREAM, 'g')) as [number, ...unknown[]];
  expect(pending[0]).toBe(0);
});
