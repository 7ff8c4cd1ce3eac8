/**
 * Section 4, handover (own process; the emulator in another, see
 * bench/emulator/host.ts). N rooms are subscribed under the scaled-down bucket
 * of section 3 while the emulator publishes a sequence-numbered event every
 * 2 ms to 10 sample rooms spread over the N.
 *
 * 1. Graceful drain, repeated: the emulator sends `reconnect`; the client opens
 *    the token socket, switches at its `welcome`. Measured on the client, per
 *    socket (a `ws` subclass timestamps every frame before the client sees it):
 *    reconnect frame → new `welcome`, and reconnect frame → first event on the
 *    new socket; lost and duplicated events; subscribe commands sent (expected 0).
 * 2. Forced fresh connection: `faults.dropAll()` (no reconnect token). The
 *    client reconnects after its backoff and subscribes all N rooms again at the
 *    bucket's pace. Measured: drop → new `welcome`, `welcome` → last subscribe
 *    response (the resubscribe time), events lost meanwhile, and the resubscribe
 *    time extrapolated to the real gateway's bucket (one command per 100 ms,
 *    burst 100): measured × (N − 100) × 100 ms / ((N − 100) × 10 ms).
 */
import WebSocket from 'ws';
import type { Subscription } from 'rxjs';
import { createAstroClient } from '../astro';
import type { Gap } from '../../lib/client/types';
import type { WebSocketCtor } from '../../lib/transport/types';
import { startRemoteEmulator, type Published } from '../emulator/remote';
import { TOPIC, emitResult, log, roomId, max, median, min, parseFlags, sig, sleep, until } from '../common';

const { quick } = parseFlags(process.argv.slice(2));
const ROOMS = quick ? 200 : 1_000;
const DRAINS = quick ? 2 : 3;
const SAMPLE_ROOMS = 10;
const PUBLISH_EVERY_MS = 2;
const BUCKET = { burst: 100, intervalMs: 10 };
const REAL_BUCKET = { burst: 100, intervalMs: 100 };
const BACKOFF_MS = 250;

/** What one socket saw, timestamped on arrival (performance.now and Date.now). */
interface SocketLog {
  readonly n: number;
  readonly reconnectToken: boolean;
  readonly urlBytes: number;
  welcomeAt?: number;
  reconnectAt?: number;
  firstMessageAt?: number;
  lastResponseAt?: number;
  lastResponseWall?: number;
  welcomeWall?: number;
  responses: number;
  messages: number;
}

const sockets: SocketLog[] = [];

class TrackedWebSocket extends WebSocket {
  constructor(url: string, options?: WebSocket.ClientOptions) {
    super(url, options);
    const entry: SocketLog = { n: sockets.length, reconnectToken: url.includes('reconnect_token='), urlBytes: Buffer.byteLength(url), responses: 0, messages: 0 };
    sockets.push(entry);
    this.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const now = performance.now();
      const text = String(data);
      // a cheap look at the type: this runs before the client parses the frame
      const type = /"type":"(\w+)"/.exec(text)?.[1];
      if (type === 'message') {
        entry.messages++;
        entry.firstMessageAt ??= now;
      } else if (type === 'welcome') {
        entry.welcomeAt = now;
        entry.welcomeWall = Date.now();
      } else if (type === 'reconnect') entry.reconnectAt = now;
      else if (type === 'response' && !text.includes('"error"')) {
        entry.responses++;
        entry.lastResponseAt = now;
        entry.lastResponseWall = Date.now();
      }
    });
  }
}

interface Tally {
  lost: number;
  duplicated: number;
  published: number;
}

function tally(published: readonly Published[], received: Map<number, number>): Tally {
  let lost = 0;
  let duplicated = 0;
  for (const p of published) {
    const n = received.get(p.seq) ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicated += n - 1;
  }
  return { lost, duplicated, published: published.length };
}

async function main(): Promise<void> {
  const emulator = await startRemoteEmulator({ rateLimit: BUCKET, drainGraceMs: 500, pingIntervalMs: 600_000 });
  const token = await emulator.issueToken({ channel: '*', scopes: ['*'] });
  const client = createAstroClient({
    url: emulator.url,
    token,
    rateLimit: BUCKET,
    WebSocketCtor: TrackedWebSocket as unknown as WebSocketCtor,
    backoff: { initialDelayMs: BACKOFF_MS, jitter: false },
    requestTimeoutMs: 60_000,
  });
  const subs: Subscription[] = [];
  const received = new Map<number, number>();
  const gaps: Gap[] = [];
  let commandsSent = 0;
  let handovers = 0;
  subs.push(client.gaps$.subscribe((g) => gaps.push(g)));
  subs.push(
    client.metrics$.subscribe((m) => {
      commandsSent = m.commandsSent;
      handovers = m.reconnects.handover;
    }),
  );
  const rooms = Array.from({ length: ROOMS }, (_, i) => roomId(i));
  const step = Math.floor(ROOMS / SAMPLE_ROOMS);
  const sampleRooms = Array.from({ length: SAMPLE_ROOMS }, (_, i) => rooms[i * step + Math.floor(step / 2)] as string);
  const samples = new Set(sampleRooms);
  try {
    const t0 = Date.now();
    for (const room of rooms) {
      subs.push(
        client.topic(TOPIC, { room }).subscribe((e) => {
          if (!samples.has(room)) return;
          const seq = (e.data as { seq?: number }).seq;
          if (typeof seq === 'number') received.set(seq, (received.get(seq) ?? 0) + 1);
        }),
      );
    }
    await until(() => (sockets[0]?.responses ?? 0) >= ROOMS, 120_000, `${ROOMS} subscriptions`, 5);
    log(`handover: ${ROOMS} rooms subscribed in ${Date.now() - t0} ms`);

    // 1. graceful drains
    const drains: { reconnectToWelcomeMs: number; reconnectToFirstEventMs: number; subscribesSent: number }[] = [];
    await emulator.startPublishing(TOPIC, sampleRooms, PUBLISH_EVERY_MS);
    await sleep(300);
    for (let d = 0; d < DRAINS; d++) {
      const old = sockets[sockets.length - 1] as SocketLog;
      const sentBefore = commandsSent;
      await emulator.drain();
      await sleep(300);
      const fresh = sockets[sockets.length - 1] as SocketLog;
      if (fresh === old || old.reconnectAt === undefined || fresh.welcomeAt === undefined || fresh.firstMessageAt === undefined) {
        throw new Error(`drain ${d + 1}: the client did not follow the handover: ${JSON.stringify(sockets.map(({ n, reconnectToken, urlBytes, welcomeAt, reconnectAt, firstMessageAt }) => ({ n, reconnectToken, urlBytes, welcomeAt, reconnectAt, firstMessageAt })))}`);
      }
      drains.push({
        reconnectToWelcomeMs: sig(fresh.welcomeAt - old.reconnectAt),
        reconnectToFirstEventMs: sig(fresh.firstMessageAt - old.reconnectAt),
        subscribesSent: commandsSent - sentBefore,
      });
      log(`handover drain ${d + 1}/${DRAINS}: reconnect → welcome ${drains[d]?.reconnectToWelcomeMs} ms, → first event on the new socket ${drains[d]?.reconnectToFirstEventMs} ms`);
    }
    const drainPublished = await emulator.stopPublishing();
    await sleep(200);
    const drainTally = tally(drainPublished, received);
    const gapsAfterDrains = gaps.length;

    // 2. forced fresh connection: drop, reconnect after the backoff, subscribe everything again
    received.clear();
    await emulator.startPublishing(TOPIC, sampleRooms, PUBLISH_EVERY_MS);
    await sleep(300);
    const before = sockets.length;
    const dropWall = await emulator.dropAll();
    await until(() => sockets.length > before && (sockets[sockets.length - 1]?.responses ?? 0) >= ROOMS, 180_000, 'the resubscription', 5);
    const s = sockets[sockets.length - 1] as SocketLog;
    await sleep(300);
    const freshPublished = await emulator.stopPublishing();
    await sleep(200);
    const freshTally = tally(freshPublished, received);
    const resubscribeMs = (s.lastResponseWall as number) - (s.welcomeWall as number);
    const theoreticalScaledMs = (ROOMS - BUCKET.burst) * BUCKET.intervalMs;
    const theoreticalRealMs = (ROOMS - REAL_BUCKET.burst) * REAL_BUCKET.intervalMs;
    const stats = await emulator.stats();
    const reconnectToFirstEvent = median(drains.map((d) => d.reconnectToFirstEventMs));
    const lost = drainTally.lost;
    const duplicated = drainTally.duplicated;
    const fresh = {
      backoffMs: BACKOFF_MS,
      dropToWelcomeMs: (s.welcomeWall as number) - dropWall,
      resubscribeMs,
      theoreticalScaledMs,
      resubscribeRatio: sig(resubscribeMs / theoreticalScaledMs, 4),
      extrapolatedRealMs: Math.round((resubscribeMs * theoreticalRealMs) / theoreticalScaledMs),
      theoreticalRealMs,
      ...freshTally,
      gapReported: gaps.length > gapsAfterDrains,
    };
    log(`handover fresh: drop → welcome ${fresh.dropToWelcomeMs} ms, resubscribe ${resubscribeMs} ms (${fresh.resubscribeRatio}x of ${theoreticalScaledMs}), lost ${freshTally.lost} of ${freshTally.published}`);
    emitResult({
      rooms: ROOMS,
      sampleRooms: SAMPLE_ROOMS,
      publishEveryMs: PUBLISH_EVERY_MS,
      bucket: BUCKET,
      drain: {
        drains: DRAINS,
        perDrain: drains,
        reconnectToWelcomeMs: sig(median(drains.map((d) => d.reconnectToWelcomeMs))),
        reconnectToFirstEventMs: sig(reconnectToFirstEvent),
        reconnectToFirstEventMaxMs: sig(max(drains.map((d) => d.reconnectToFirstEventMs))),
        reconnectToFirstEventMinMs: sig(min(drains.map((d) => d.reconnectToFirstEventMs))),
        ...drainTally,
        subscribesSent: drains.reduce((n, d) => n + d.subscribesSent, 0),
        reconnectUrlBytes: max(sockets.filter((x) => x.reconnectToken).map((x) => x.urlBytes)),
        handovers,
        gaps: gapsAfterDrains,
      },
      fresh,
      emulatorRateLimited: stats.rateLimited,
      targets: {
        lost: { value: lost, target: '0', met: lost === 0 },
        duplicated: { value: duplicated, target: '0', met: duplicated === 0 },
      },
    });
  } finally {
    for (const sub of subs) sub.unsubscribe();
    client.close();
    await emulator.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
