/**
 * Section 10, bridge failover (own process): KEYS desired keys over 2 bridge
 * workers (own processes, `leaseMs` LEASE_MS) on a throwaway `redis-server` and
 * the emulator in its own process. One worker is killed with SIGKILL; measured
 * from the kill: every one of its keys subscribed again at the emulator (each
 * seen without a subscriber first), every one with a `lease_takeover` gap
 * marker in the stream, and every lease held by the survivor. Then a new
 * worker joins, the keys settle over the two, and the next run kills one of
 * them. Gateway and clients have a scaled-down bucket (burst 100, one per
 * 10 ms), and each kill waits for a full bucket (a worker that just handed keys
 * over has spent it on unsubscribes). The bound is `leaseMs` + the resubscribe
 * minimum of the killed worker's keys (burst less the client's reserve of 2);
 * a worker sees the crash at its first step after the heartbeat expired, so up
 * to one step (`leaseMs / 3`) more.
 */
import type Redis from 'ioredis';
import { startRedisServer } from '../../spec/helpers/redisServer';
import { addDesired, redisKeys, type DesiredKey } from '../../lib/redis';
import { startRemoteEmulator, type RemoteEmulator } from '../emulator/remote';
import { emitResult, log, median, parseFlags, roomId, sig, sleep, TOPIC } from '../common';
import { forkChild, type BenchChild } from '../bridge/ipc';

const { quick } = parseFlags(process.argv.slice(2));
const RUNS = quick ? 2 : 5;
const KEYS = 100;
const LEASE_MS = 1000;
const PREFIX = 'failover';
/** Scaled down like sections 3 and 8, on both sides. */
const BUCKET = { burst: 100, intervalMs: 10 };
/** The client keeps 2 tokens of its burst in reserve. */
const RESERVE = 2;
const keys = redisKeys(PREFIX);
const DESIRED: DesiredKey[] = Array.from({ length: KEYS }, (_, i) => ({ topic: TOPIC, room: roomId(i), ref: 'main' }));
const ROOMS = DESIRED.map((k) => k.room);

interface Run {
  victimKeys: number;
  subscribedMs: number;
  gapMarkersMs: number;
  leasedMs: number;
  boundMs: number;
}

interface World {
  readonly redis: Redis;
  readonly emulator: RemoteEmulator;
  readonly spawn: (id: string) => BenchChild<unknown>;
}

/** The worker id holding each key's lease (null: none). */
async function holders(redis: Redis): Promise<Array<string | null>> {
  const values = await redis.mget(...DESIRED.map((k) => keys.lease(k)));
  return values.map((v) => v?.split('/')[0] ?? null);
}

async function settle(w: World, live: readonly string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [counts, h] = await Promise.all([w.emulator.subscriptionCounts(TOPIC, ROOMS), holders(w.redis)]);
    if (counts.every((c) => c === 1) && h.every((x) => x !== null && live.includes(x)) && live.every((id) => h.includes(id))) return;
    if (Date.now() > deadline) throw new Error(`the keys did not settle over ${live.join(', ')} within 60 s`);
    await sleep(50);
  }
}

async function killAndWatch(w: World, victim: BenchChild<unknown>, victimId: string): Promise<Run> {
  const h = await holders(w.redis);
  const rooms = ROOMS.filter((_, i) => h[i] === victimId);
  const index = rooms.map((r) => ROOMS.indexOf(r));
  await sleep(BUCKET.burst * BUCKET.intervalMs);
  const killedAt = Date.now();
  await victim.kill('SIGKILL');
  const dropped = new Set<string>();
  let subscribedMs = NaN;
  let gapMarkersMs = NaN;
  let leasedMs = NaN;
  while (Number.isNaN(subscribedMs) || Number.isNaN(gapMarkersMs) || Number.isNaN(leasedMs)) {
    if (Date.now() - killedAt > 30_000) throw new Error(`the killed worker's ${rooms.length} keys were not taken over within 30 s`);
    const [counts, now, entries] = await Promise.all([w.emulator.subscriptionCounts(TOPIC, rooms), holders(w.redis), w.redis.xrange(keys.stream(TOPIC), `${killedAt}-0`, '+')]);
    const at = Date.now() - killedAt;
    counts.forEach((c, i) => c === 0 && dropped.add(rooms[i] as string));
    if (Number.isNaN(subscribedMs) && dropped.size === rooms.length && counts.every((c) => c === 1)) subscribedMs = at;
    if (Number.isNaN(leasedMs) && index.every((i) => now[i] !== null && now[i] !== victimId)) leasedMs = at;
    const marked = new Set(entries.map(([, f]) => new Map(pairs(f))).filter((f) => f.get('type') === 'gap' && f.get('cause') === 'lease_takeover').map((f) => f.get('room')));
    if (Number.isNaN(gapMarkersMs) && rooms.every((r) => marked.has(r))) gapMarkersMs = at;
    await sleep(10);
  }
  const boundMs = LEASE_MS + Math.max(0, rooms.length - (BUCKET.burst - RESERVE)) * BUCKET.intervalMs;
  return { victimKeys: rooms.length, subscribedMs, gapMarkersMs, leasedMs, boundMs };
}

function pairs(fields: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < fields.length; i += 2) out.push([fields[i] as string, fields[i + 1] as string]);
  return out;
}

async function main(): Promise<void> {
  const server = await startRedisServer();
  const emulator = await startRemoteEmulator({ pingIntervalMs: 600_000, rateLimit: BUCKET });
  const children = new Map<string, BenchChild<unknown>>();
  try {
    const token = await emulator.issueToken({ channel: '*', scopes: ['*'] });
    const redis = server.client();
    await addDesired(redis, DESIRED, PREFIX);
    const env = { REDIS_URL: server.url, ASTRO_URL: emulator.url, ASTRO_TOKEN_MAIN: token, PREFIX, LEASE_MS: String(LEASE_MS), MAX_LEN: '100000', TOPIC, RATE_LIMIT: JSON.stringify(BUCKET) };
    const w: World = { redis, emulator, spawn: (id) => (children.set(id, forkChild('bench/bridge/worker.ts', ['bridge'], { ...env, WORKER_ID: id })), children.get(id) as BenchChild<unknown>) };
    let live = ['w1', 'w2'];
    live.forEach(w.spawn);
    await settle(w, live);
    const runs: Run[] = [];
    for (let r = 0; r < RUNS; r++) {
      const victimId = live[r % 2] as string;
      const run = await killAndWatch(w, children.get(victimId) as BenchChild<unknown>, victimId);
      runs.push(run);
      log(`failover: run ${r + 1}: ${run.victimKeys} keys subscribed again after ${run.subscribedMs} ms, gap markers after ${run.gapMarkersMs} ms, leases after ${run.leasedMs} ms (bound ${run.boundMs} ms)`);
      if (r === RUNS - 1) break;
      live = [...live.filter((id) => id !== victimId), `w${r + 3}`];
      w.spawn(`w${r + 3}`);
      await settle(w, live);
    }
    emitResult(summary(runs));
  } finally {
    await Promise.all([...children.values()].map((c) => c.kill()));
    await emulator.close();
    await server.kill();
  }
}

function summary(runs: Run[]) {
  const med = (k: keyof Run) => Math.round(median(runs.map((r) => r[k])));
  const boundMs = Math.max(...runs.map((r) => r.boundMs));
  const subscribedMs = med('subscribedMs');
  const ratio = sig(subscribedMs / boundMs, 3);
  const step = 1 + 1 / 3;
  const range = (k: keyof Run) => `${Math.min(...runs.map((r) => r[k]))}–${Math.max(...runs.map((r) => r[k]))}`;
  return {
    runs,
    keys: KEYS,
    leaseMs: LEASE_MS,
    boundMs,
    subscribedMs,
    gapMarkersMs: med('gapMarkersMs'),
    leasedMs: med('leasedMs'),
    ratio,
    targets: { subscribed: { value: ratio, target: `<= ${step.toFixed(2)}x (one step over)`, met: ratio <= step } },
    table: {
      title: `10 failover (${KEYS} keys over 2 workers, leaseMs ${LEASE_MS}, SIGKILL, ${RUNS} runs)`,
      rows: [
        [`killed worker's keys (${range('victimKeys')}) subscribed again / bound`, `${subscribedMs} ms (${range('subscribedMs')}) / ${boundMs} ms`, `${ratio.toFixed(2)}x`, `<= ${step.toFixed(2)}x`, ratio <= step ? 'yes' : 'NO'],
        ['every one with its lease_takeover gap marker in the stream', `${med('gapMarkersMs')} ms (${range('gapMarkersMs')})`, sig(med('gapMarkersMs') / boundMs, 3).toFixed(2) + 'x', '', ''],
        ['every lease held by the survivor', `${med('leasedMs')} ms (${range('leasedMs')})`, '', '', ''],
      ],
    },
  };
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
