/**
 * Section 3, subscribing many rooms under the rate limit (own process). The
 * emulator's command bucket is scaled down to burst 100 / one per 10 ms and the
 * client's `rateLimit` is set the same, so N rooms need at least
 * (N − burst) × 10 ms. The connection is opened first (an idle `frames$`
 * subscriber waits for `open`), then N `topic()` subscriptions are made at once;
 * the wall time runs until the last successful subscribe response arrives.
 * Reported: wall / theoretical minimum, and the emulator's `rate_limit_exceeded`
 * count (`stats.rateLimited`), per run and as medians.
 */
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import WebSocket from 'ws';
import { createAstroClient } from '../astro';
import type { WebSocketCtor } from '../../lib/transport/types';
import { startRemoteEmulator } from '../emulator/remote';
import { TOPIC, emitResult, roomId, log, max, median, parseFlags, sig, until } from '../common';

const { quick } = parseFlags(process.argv.slice(2));
const ROOMS = quick ? 300 : 1_000;
const RUNS = quick ? 1 : 2;
const BUCKET = { burst: 100, intervalMs: 10 };
/**
 * The client's bucket: the same as the emulator's (the task), and, for
 * comparison, 2 tokens smaller (a reserve that absorbs a few ms of skew between
 * the two buckets; see PERFORMANCE.md).
 */
const VARIANTS = [
  { name: 'same bucket', rateLimit: BUCKET },
  { name: 'burst − 2 (reserve)', rateLimit: { burst: BUCKET.burst - 2, intervalMs: BUCKET.intervalMs } },
] as const;

interface Run {
  wallMs: number;
  theoreticalMs: number;
  ratio: number;
  rateLimited: number;
  clientRateLimited: number;
  subscribed: number;
}

async function once(rateLimit: { burst: number; intervalMs: number }): Promise<Run> {
  const emulator = await startRemoteEmulator({ rateLimit: BUCKET, pingIntervalMs: 600_000 });
  const token = await emulator.issueToken({ channel: '*', scopes: ['*'] });
  const client = createAstroClient({ url: emulator.url, token, rateLimit, WebSocketCtor: WebSocket as unknown as WebSocketCtor, requestTimeoutMs: 60_000 });
  const subs: Subscription[] = [];
  try {
    let ok = 0;
    let failed = 0;
    let last = 0;
    subs.push(
      client.frames$.subscribe((f) => {
        if (f.type !== 'response') return;
        if (f.error) failed++;
        else {
          ok++;
          last = performance.now();
        }
      }),
    );
    await firstValueFrom(client.state$.pipe(filter((s) => s.status === 'open')));
    const t0 = performance.now();
    for (let i = 0; i < ROOMS; i++) subs.push(client.topic(TOPIC, { room: roomId(i) }).subscribe());
    await until(() => ok >= ROOMS, 120_000, `${ROOMS} subscribe responses (${ok} so far, ${failed} failed)`, 2);
    const wallMs = last - t0;
    const theoreticalMs = (ROOMS - BUCKET.burst) * BUCKET.intervalMs;
    let clientRateLimited = 0;
    client.metrics$.subscribe((m) => (clientRateLimited = m.rateLimited)).unsubscribe();
    return {
      wallMs: sig(wallMs, 5),
      theoreticalMs,
      ratio: sig(wallMs / theoreticalMs, 4),
      rateLimited: (await emulator.stats()).rateLimited,
      clientRateLimited,
      subscribed: await emulator.subscriptionCount(),
    };
  } finally {
    for (const s of subs) s.unsubscribe();
    client.close();
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const runs: Record<string, Run[]> = Object.fromEntries(VARIANTS.map((v) => [v.name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const v of VARIANTS) {
      const r = await once(v.rateLimit);
      (runs[v.name] as Run[]).push(r);
      log(`ratelimit run ${i + 1}/${RUNS} (${v.name}): ${ROOMS} rooms in ${r.wallMs.toFixed(0)} ms (${r.ratio}x the minimum ${r.theoreticalMs} ms), rate_limit_exceeded ${r.rateLimited}`);
    }
  }
  const summary = (name: string) => {
    const rs = runs[name] as Run[];
    return {
      runs: rs,
      wallMs: sig(median(rs.map((r) => r.wallMs)), 5),
      ratio: sig(median(rs.map((r) => r.ratio)), 4),
      rateLimitedMax: max(rs.map((r) => r.rateLimited)),
    };
  };
  const same = summary(VARIANTS[0].name);
  const reserve = summary(VARIANTS[1].name);
  emitResult({
    rooms: ROOMS,
    bucket: BUCKET,
    theoreticalMs: (ROOMS - BUCKET.burst) * BUCKET.intervalMs,
    ...same,
    reserve: { clientRateLimit: VARIANTS[1].rateLimit, ...reserve },
    targets: {
      ratio: { value: same.ratio, target: '<= 1.02x', met: same.ratio <= 1.02 },
      rateLimited: { value: same.rateLimitedMax, target: '0', met: same.rateLimitedMax === 0 },
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
