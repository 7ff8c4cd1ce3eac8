/**
 * Section 8, the connection pool (own process, emulator in its own process as
 * in section 3): N rooms subscribed at once on K = 1, 2, 4, 8 connections, each
 * connection with its own scaled-down bucket (burst 100, one per 10 ms; the
 * client keeps its default reserve of 2, and pauses 10 intervals after a
 * rejection, as the default 1 s is for the real 100 ms) on both sides. Every connection is open before the clock starts; the wall time runs
 * until the last successful subscribe response. The minimum for K is the
 * slowest connection's (n_i − burst) × interval, n_i being the rooms rendezvous
 * hashing gave it (an even split would be N/K). Reported per K: wall, minimum,
 * wall / minimum, speed-up over K = 1, the emulator's `rate_limit_exceeded`.
 */
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import WebSocket from 'ws';
import { createAstroClient } from '../astro';
import type { ClientMetrics } from '../../lib/client/types';
import type { WebSocketCtor } from '../../lib/transport/types';
import { startRemoteEmulator } from '../emulator/remote';
import { TOPIC, emitResult, log, parseFlags, roomId, sig, until } from '../common';

const { quick } = parseFlags(process.argv.slice(2));
const ROOMS = quick ? 500 : 2_000;
const KS = [1, 2, 4, 8] as const;
/** Scaled down like section 3; the quick run's smaller burst keeps every K's minimum above zero. */
const BUCKET = quick ? { burst: 20, intervalMs: 10 } : { burst: 100, intervalMs: 10 };

interface Run {
  connections: number;
  wallMs: number;
  minimumMs: number;
  ratio: number;
  perConnection: number[];
  rateLimited: number;
}

async function once(k: number): Promise<Run> {
  const emulator = await startRemoteEmulator({ rateLimit: BUCKET, pingIntervalMs: 600_000 });
  const token = await emulator.issueToken({ channel: '*', scopes: ['*'] });
  const client = createAstroClient({ url: emulator.url, token, connections: k, rateLimit: BUCKET, rateLimitPauseMs: 10 * BUCKET.intervalMs, WebSocketCtor: WebSocket as unknown as WebSocketCtor, requestTimeoutMs: 120_000 });
  const subs: Subscription[] = [];
  try {
    let ok = 0;
    let last = 0;
    subs.push(
      client.frames$.subscribe((f) => {
        if (f.type === 'response' && !f.error) {
          ok++;
          last = performance.now();
        }
      }),
    );
    await firstValueFrom(client.state$.pipe(filter((s) => s.status === 'open' && (s.connections?.length ?? 1) === k)));
    const t0 = performance.now();
    for (let i = 0; i < ROOMS; i++) subs.push(client.topic(TOPIC, { room: roomId(i) }).subscribe());
    await until(() => ok >= ROOMS, 180_000, `${ROOMS} subscribe responses on ${k} connection(s) (${ok} so far)`, 2);
    const wallMs = last - t0;
    let metrics: ClientMetrics | undefined;
    client.metrics$.subscribe((m) => (metrics = m)).unsubscribe();
    const perConnection = metrics?.connections?.map((c) => c.activeSubscriptions) ?? [ROOMS];
    const minimumMs = Math.max(...perConnection.map((n) => Math.max(0, n - BUCKET.burst) * BUCKET.intervalMs));
    return { connections: k, wallMs: sig(wallMs, 5), minimumMs, ratio: sig(wallMs / minimumMs, 3), perConnection, rateLimited: (await emulator.stats()).rateLimited };
  } finally {
    for (const s of subs) s.unsubscribe();
    client.close();
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  for (const k of KS) {
    const r = await once(k);
    runs.push(r);
    log(`pool: ${ROOMS} rooms on ${k} connection(s) in ${r.wallMs.toFixed(0)} ms (minimum ${r.minimumMs} ms, ${r.ratio}x; split ${r.perConnection.join('/')}), rate_limit_exceeded ${r.rateLimited}`);
  }
  const base = runs[0] as Run;
  const worst = Math.max(...runs.map((r) => r.ratio));
  const rejected = Math.max(...runs.map((r) => r.rateLimited));
  const rows = runs.map((r) => [
    `K = ${r.connections}: wall / minimum for K (rooms per connection ${Math.min(...r.perConnection)}–${Math.max(...r.perConnection)})`,
    `${Math.round(r.wallMs).toLocaleString('en-US')} / ${r.minimumMs.toLocaleString('en-US')} ms${r.connections === 1 ? '' : ` (${sig(base.wallMs / r.wallMs, 3)}x faster than K = 1)`}`,
    `${r.ratio.toFixed(2)}x`,
    r.connections === 8 ? '<= 1.1x (every K)' : '',
    r.connections === 8 ? (worst <= 1.1 ? 'yes' : 'NO') : '',
  ]);
  emitResult({
    rooms: ROOMS,
    bucket: BUCKET,
    runs,
    targets: {
      ratio: { value: worst, target: '<= 1.1x', met: worst <= 1.1 },
      rateLimited: { value: rejected, target: '0', met: rejected === 0 },
    },
    table: { title: `8 pool (${ROOMS.toLocaleString('en-US')} rooms, burst ${BUCKET.burst} / ${BUCKET.intervalMs} ms per connection)`, rows: [...rows, ['rate_limit_exceeded (emulator, any K)', String(rejected), '', '0', rejected === 0 ? 'yes' : 'NO']] },
  });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
