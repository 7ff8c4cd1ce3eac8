/**
 * Bridge workers as real processes against the emulator and a real redis-server:
 * 300 desired keys over 3 workers, a 4th joining (make-before-break: nothing
 * lost, nothing duplicated), and a worker killed with SIGKILL (its keys move
 * within the lease plus the resubscribe time, each with a gap marker).
 */
import type Redis from 'ioredis';
import { startEmulator, type Emulator } from '../../lib/testing';
import { addDesired, redisKeys } from '../../lib/redis';
import { keyId, type DesiredKey } from '../../lib/redis/keys';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';
import { sleep, waitUntil } from '../helpers/waitUntil';
import { childEnv, killChildren, runTsx, type Child } from '../cli/childProcess';
import { compiledScript } from '../helpers/compiledScript';
import { readStream } from './streamReader';

jest.setTimeout(90_000);

const LEASE_MS = 1000;
const TOPIC = 'channel.tips';
const ROOMS = Array.from({ length: 300 }, (_, i) => `r${String(i).padStart(3, '0')}`);
const KEYS: DesiredKey[] = ROOMS.map((room) => ({ topic: TOPIC, room, ref: 'main' }));
const keys = redisKeys('astro');

let server: RedisServer;
let emulator: Emulator;
let redis: Redis;
let token: string;
let workerJs: string;
const workers = new Map<string, Child>();
let publisher: ReturnType<typeof setInterval> | undefined;
/** Every event published, with whether some worker was subscribed to its room. */
const published: Array<{ id: string; room: string; delivered: number; at: number }> = [];

function spawnWorker(id: string): Child {
  const child = runTsx(workerJs, [], childEnv({ REDIS_URL: server.url, ASTRO_URL: emulator.url, WORKER_ID: id, LEASE_MS: String(LEASE_MS), ASTRO_TOKEN_MAIN: token }));
  workers.set(id, child);
  return child;
}

/** The holder (worker id) of each key's lease. */
async function holders(): Promise<Map<string, string | null>> {
  const values = await redis.mget(...KEYS.map((k) => keys.lease(k)));
  return new Map(KEYS.map((k, i) => [k.room, values[i]?.split('/')[0] ?? null]));
}

const counts = () => ROOMS.map((room) => emulator.subscriptionCount(TOPIC, room));
/**
 * Every key subscribed once and leased by a live worker, and every live worker holding some: a worker
 * that has not registered yet (a slow start on a loaded machine) would otherwise join after "settled"
 * and start a rebalance inside the stability window.
 */
const settled = async (live: readonly string[]) => {
  if (!counts().every((n) => n === 1)) return false;
  const h = await holders();
  const owners = new Set(h.values());
  return [...owners].every((w) => w !== null && live.includes(w)) && live.every((w) => owners.has(w));
};

beforeAll(async () => {
  workerJs = await compiledScript('spec/redis/worker.ts');
  server = await startRedisServer();
  emulator = await startEmulator({ port: 0, rateLimit: { burst: 1000, intervalMs: 5 } });
  token = emulator.issueToken({ channel: '*', scopes: ['*'] });
  redis = server.client();
  await addDesired(redis, KEYS);
  let n = 0;
  // a steady 250 events/s, round robin over the rooms
  publisher = setInterval(() => {
    for (let i = 0; i < 5; i++) {
      const room = ROOMS[n++ % ROOMS.length]!;
      const r = emulator.publish(TOPIC, room, { donation: { amount: n, currency: 'EUR' } });
      published.push({ id: r.id, room, delivered: r.delivered, at: Date.now() });
    }
  }, 20);
}, 30_000);

afterAll(async () => {
  if (publisher) clearInterval(publisher);
  for (const w of workers.values()) w.proc.kill('SIGKILL');
  await killChildren();
  await emulator?.close();
  await server?.kill();
}, 30_000);

describe('bridge workers (3 processes, 300 keys)', () => {
  it('serve every key from exactly one worker', async () => {
    ['w1', 'w2', 'w3'].forEach(spawnWorker);
    await waitUntil(() => settled(['w1', 'w2', 'w3']), 30_000, 'every key subscribed once and leased by a live worker', 100);
    // stable: no key subscribed twice or not at all over the next lease periods
    for (let i = 0; i < 10; i++) {
      expect(counts().filter((n) => n !== 1)).toEqual([]);
      await sleep(200);
    }
    const perWorker = new Map<string, number>();
    for (const w of (await holders()).values()) perWorker.set(w!, (perWorker.get(w!) ?? 0) + 1);
    expect([...perWorker.keys()].sort()).toEqual(['w1', 'w2', 'w3']);
    for (const n of perWorker.values()) expect(n).toBeGreaterThan(50);
  });

  it('hands keys to a 4th worker make-before-break: 0 events lost, 0 duplicated', async () => {
    const before = await holders();
    const start = published.length;
    let maxOverlap = 0;
    const overlapSince = new Map<string, number>();
    let longestOverlapMs = 0;
    const sampler = setInterval(() => {
      const now = Date.now();
      const c = counts();
      maxOverlap = Math.max(maxOverlap, c.filter((n) => n > 1).length);
      ROOMS.forEach((room, i) => {
        if (c[i]! > 1) overlapSince.set(room, overlapSince.get(room) ?? now);
        else if (overlapSince.has(room)) {
          longestOverlapMs = Math.max(longestOverlapMs, now - overlapSince.get(room)!);
          overlapSince.delete(room);
        }
      });
    }, 25);
    spawnWorker('w4');
    try {
      await waitUntil(async () => (await settled(['w1', 'w2', 'w3', 'w4'])) && [...(await holders()).values()].includes('w4'), 30_000, 'w4 owns its share', 100);
      // a lease period of events after the handover
      await sleep(LEASE_MS);
    } finally {
      clearInterval(sampler);
    }
    const end = published.length;
    const after = await holders();
    const moved = ROOMS.filter((r) => before.get(r) !== after.get(r));
    // rendezvous hashing: only keys that went to the new worker moved
    expect(moved.every((r) => after.get(r) === 'w4')).toBe(true);
    expect(moved.length).toBeGreaterThan(30);
    // overlaps happened (make before break) and were short
    expect(maxOverlap).toBeGreaterThan(0);
    expect(longestOverlapMs).toBeLessThan(3 * LEASE_MS);
    const phase = published.slice(start, end);
    // every event of the phase reached a subscriber: no key was unsubscribed during the handover
    expect(phase.filter((p) => p.delivered === 0).map((p) => p.room)).toEqual([]);
    // the last appends land (bounded; a miss shows in the checks below)
    let entries = await readStream(redis, keys.stream(TOPIC));
    const landed = async () => {
      entries = await readStream(redis, keys.stream(TOPIC));
      const ids = new Set(entries.map((e) => (e as { id?: string }).id));
      return phase.every((p) => ids.has(p.id));
    };
    await waitUntil(landed, 5000, 'the phase’s events in the stream', 50).catch(() => undefined);
    const ids = entries.filter((e) => e.type === 'message').map((e) => (e as { id: string }).id);
    const seen = new Map<string, number>();
    for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
    expect([...seen.entries()].filter(([, n]) => n > 1)).toEqual([]);
    expect(phase.filter((p) => !seen.has(p.id)).map((p) => p.id)).toEqual([]);
    expect(entries.filter((e) => e.type === 'gap')).toEqual([]);
  });

  it('moves a SIGKILLed worker’s keys within the lease plus the resubscribe time, each with a gap marker', async () => {
    const before = await holders();
    const victim = 'w2';
    const itsRooms = ROOMS.filter((r) => before.get(r) === victim);
    expect(itsRooms.length).toBeGreaterThan(30);
    const killedAt = Date.now();
    workers.get(victim)!.proc.kill('SIGKILL');
    await workers.get(victim)!.exited;
    const resubscribedMs = await waitUntil(() => itsRooms.every((r) => emulator.subscriptionCount(TOPIC, r) === 1), 20_000, 'the victim’s rooms subscribed elsewhere', 25);
    // heartbeat expiry (leaseMs) + one tick (leaseMs/3) + subscribing ~75 rooms; generous for a loaded machine
    expect(resubscribedMs).toBeLessThan(LEASE_MS + LEASE_MS / 3 + 4000);
    await waitUntil(() => settled(['w1', 'w3', 'w4']), 20_000, 'leases taken over', 100);
    let gaps: Awaited<ReturnType<typeof readStream>> = [];
    const marked = async () => {
      gaps = (await readStream(redis, keys.stream(TOPIC))).filter((e) => e.type === 'gap');
      const rooms = new Set(gaps.map((g) => g.room));
      return itsRooms.every((r) => rooms.has(r));
    };
    // bounded; a missing marker shows in the checks below
    await waitUntil(marked, 5000, 'a gap marker for each of the victim’s rooms', 50).catch(() => undefined);
    const gapRooms = new Set(gaps.filter((g) => g.type === 'gap' && g.cause === 'lease_takeover').map((g) => g.room));
    expect(itsRooms.filter((r) => !gapRooms.has(r))).toEqual([]);
    for (const g of gaps) if (g.type === 'gap') expect(g.to).toBeGreaterThanOrEqual(g.from);
    // the gap starts at the victim's last renewal, before the kill
    for (const g of gaps) if (g.type === 'gap') expect(g.from).toBeLessThanOrEqual(killedAt + 50);
    expect(gaps.every((g) => itsRooms.includes(g.room))).toBe(true);
    expect(keyId(KEYS[0]!)).toBe(JSON.stringify([TOPIC, 'r000', 'main']));
  });
});
