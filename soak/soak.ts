/**
 * The chaos soak: one emulator on loopback, several clients holding hundreds of
 * subscriptions each, a publisher stamping every event with a per-room sequence
 * number, and faults injected at seeded random intervals. It measures recovery,
 * delivery, duplicates, losses against the client's own gap reports, unhandled
 * errors and heap growth, and reports them on ONE line (see docs/RELIABILITY.md).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Subscription } from 'rxjs';
import { createAstroClient } from '../lib/client/createAstroClient';
import type { AstroClient, ClientMetrics, Gap } from '../lib/client/types';
import type { TopicName } from '../lib/protocol/topics';
import { startEmulator, type Emulator } from '../lib/testing';
import { int, mulberry32, pick, weighted } from './prng';

export const TOPICS = ['channel.activities', 'channel.tips', 'channel.session.update'] as const satisfies readonly TopicName[];

export const FAULT_KINDS = [
  'drop_all',
  'drop_one',
  'drain',
  'bad_reconnect',
  'refuse_429',
  'refuse_502',
  'garbage',
  'silence',
  'cmd_rate_limit',
  'cmd_deadline',
  'cmd_internal',
  'out_of_order',
  'snapshot_token_use',
  'early_close',
  'token_refused',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How often each fault is drawn (relative). */
const WEIGHTS: Readonly<Record<FaultKind, number>> = {
  drop_all: 2,
  drop_one: 2,
  drain: 3,
  bad_reconnect: 2,
  refuse_429: 1,
  refuse_502: 1,
  garbage: 3,
  silence: 2,
  cmd_rate_limit: 1,
  cmd_deadline: 1,
  cmd_internal: 1,
  out_of_order: 2,
  snapshot_token_use: 2,
  early_close: 2,
  token_refused: 1,
};

/** Faults that start a drain (never two at once). */
const DRAINING: ReadonlySet<FaultKind> = new Set<FaultKind>(['drain', 'snapshot_token_use', 'early_close', 'token_refused']);
/** Faults that add extra subscriptions, removed again after the recovery. */
const EXTRAS: ReadonlySet<FaultKind> = new Set<FaultKind>(['cmd_rate_limit', 'cmd_deadline', 'cmd_internal', 'snapshot_token_use']);

/** Faults after which clients reconnect fresh and re-subscribe everything. */
const DISRUPTIVE: ReadonlySet<FaultKind> = new Set<FaultKind>(['drop_all', 'drop_one', 'bad_reconnect', 'refuse_429', 'refuse_502', 'silence', 'out_of_order', 'token_refused']);

// The environment. Short heartbeats and backoff so that recovery fits a short run; the command
// bucket and the drain are the real gateway's shape.
export const CONFIG = {
  pingIntervalMs: 1000,
  pongTimeoutMs: 2500,
  heartbeatTimeoutMs: 3000,
  drainGraceMs: 1000,
  bucket: { burst: 100, intervalMs: 100 },
  connectionRateLimit: { max: 60, windowMs: 10_000 },
  backoff: { initialDelayMs: 100, maxDelayMs: 2000, minUptimeMs: 1000 },
  requestTimeoutMs: 5000,
  maxFrameBytes: 64 * 1024,
  /** Requested rooms that the emulator maps to another canonical room. */
  aliasedRooms: 10,
  /** A lost event may have been published this long before a gap's `from` (frames in flight) or after its `to`. */
  gapEpsilonMs: 250,
  pollMs: 20,
  /** Every fault must be recovered from within this long. */
  recoveryBoundMs: 30_000,
  heapGrowthLimit: 0.2,
  /** The gateway's race switches between faults (the switch faults change them until the recovery). */
  switches: { authLatencyMs: [0, 0], snapshot: 'reconnectFrame', tokenUpgrade: 'accept' },
  /** The authorization latency of `out_of_order` and `snapshot_token_use`: answers leave out of order. */
  raceAuthLatencyMs: [0, 400],
} as const;

export interface SoakOptions {
  readonly seconds: number;
  readonly seed: number;
  readonly clients: number;
  /** Subscriptions per client (one (topic, room) each, rooms spread over TOPICS). */
  readonly rooms: number;
  readonly publishPerSecond: number;
  /** The chance that a disruptive fault is followed by another one before recovery. */
  readonly overlapProbability: number;
  readonly verbose: boolean;
  /** Only these faults (default: all). */
  readonly kinds?: readonly FaultKind[];
}

export const DEFAULT_OPTIONS: Omit<SoakOptions, 'seed'> = {
  seconds: 60,
  clients: 3,
  rooms: 200,
  publishPerSecond: 100,
  overlapProbability: 0.25,
  verbose: false,
};

export interface FaultRecord {
  readonly kind: FaultKind;
  readonly variant: string;
  readonly at: number;
  /** Injected while an earlier fault had not been recovered from. */
  overlapping: boolean;
  /** Another fault was injected before this one was recovered from. */
  overlapped: boolean;
  /** Graceful checks do not apply: an earlier fault left refusals or rejections queued. */
  tainted: boolean;
  recoveredAt?: number;
  gapsBefore: number;
  gapsAfter?: number;
}

export interface SoakResult {
  readonly ok: boolean;
  readonly failures: readonly string[];
  readonly summary: string;
  readonly details: readonly string[];
}

interface KeyInfo {
  readonly topic: (typeof TOPICS)[number];
  /** What the client asks for (an alias for the first few rooms). */
  readonly requested: string;
  /** What the emulator publishes to and reports. */
  readonly canonical: string;
}

interface SoakClient {
  readonly index: number;
  readonly client: AstroClient;
  readonly token: string;
  /** desired (topic ␀ canonical room) → the user's subscription */
  readonly desired: Map<string, Subscription>;
  /** received[k][s]: how often event s of key k arrived */
  readonly received: number[][];
  readonly gaps: Gap[];
  readonly topicErrors: string[];
  readonly subs: Subscription[];
  clientId?: string;
  status: string;
  metrics?: ClientMetrics;
  decodeWarnings: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const subKey = (topic: string, room: string) => `${topic}\u0000${room}`;

/** Frames no gateway should send; none of them may break a connection or reach a topic. */
function garbageFrames(maxFrameBytes: number): Array<string | Buffer> {
  return [
    '{not json',
    '',
    'null',
    '[]',
    '42',
    '"a string"',
    '{"type":"surprise","data":{}}',
    '{"type":"MESSAGE"}',
    '{"type":"message","data":{}}',
    '{"type":"message","topic":123,"data":{}}',
    '{"type":"message","room":"room-0","data":{}}',
    '{"type":"message","topic":"no.such.topic","room":"room-1","data":{}}',
    '{"type":"message","topic":"channel.tips","room":"not-subscribed","data":{}}',
    '{"type":"welcome"}',
    '{"type":"welcome","data":{}}',
    '{"type":"welcome","data":{"client_id":"a-second-welcome"}}',
    '{"type":"response","nonce":"no-such-nonce","data":{"message":"successfully subscribed to topic"}}',
    '{"type":"response","nonce":"no-such-nonce","error":"err_internal_error","data":{"message":"x"}}',
    '{"type":"response","nonce":42}',
    '{"type":"response","error":"rate_limit_exceeded","data":{"message":"rate limit exceeded, slow down"}}',
    '{"type":"reconnect"}',
    '{"type":"reconnect","data":{"message":"The server is shutting down."}}',
    '{"type":"reconnect","data":{"reconnect_token":42}}',
    Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    Buffer.from('{"type":"message","topic":"channel.tips","room":"room-1","data":{}}'),
    // over maxFrameBytes but under the transport's hard limit (maxFrameBytes + 1 KiB): a decode failure, not a disconnect
    `{"type":"message","topic":"channel.tips","room":"room-1","data":"${'x'.repeat(maxFrameBytes + 256)}"}`,
  ];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? 0;
}

async function gcHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(50);
  }
  return process.memoryUsage().heapUsed;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const o = options;
  const log = (line: string) => {
    if (o.verbose) process.stderr.write(`[soak +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
  };
  const t0 = Date.now();
  const endAt = t0 + o.seconds * 1000;
  const faultRandom = mulberry32(o.seed);
  const publishRandom = mulberry32(o.seed ^ 0x9e3779b9);
  const details: string[] = [];

  // unhandled errors anywhere in the process
  let unhandled = 0;
  const onUnhandled = (e: unknown) => {
    unhandled++;
    details.push(`unhandled: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  };
  process.on('uncaughtException', onUnhandled);
  process.on('unhandledRejection', onUnhandled);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();

  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') details.push('warning: run with --expose-gc for a meaningful heap figure');

  // keys: one (topic, room) per room index, shared by every client
  const keys: KeyInfo[] = [];
  const roomAliases: Record<string, string> = {};
  for (let k = 0; k < o.rooms; k++) {
    const canonical = `room-${k}`;
    const requested = k < CONFIG.aliasedRooms ? `alias-${k}` : canonical;
    if (requested !== canonical) roomAliases[requested] = canonical;
    keys.push({ topic: TOPICS[k % TOPICS.length] ?? TOPICS[0], requested, canonical });
  }
  const keyIndex = new Map(keys.map((key, k) => [subKey(key.topic, key.canonical), k]));

  const emulator: Emulator = await startEmulator({
    port: 0,
    pingIntervalMs: CONFIG.pingIntervalMs,
    pongTimeoutMs: CONFIG.pongTimeoutMs,
    rateLimit: CONFIG.bucket,
    connectionRateLimit: CONFIG.connectionRateLimit,
    drainGraceMs: CONFIG.drainGraceMs,
    roomAliases,
  });

  const published: number[][] = keys.map(() => []);
  let misrouted = 0;
  let foreign = 0;
  let duplicated = 0;

  const clients: SoakClient[] = [];
  for (let i = 0; i < o.clients; i++) {
    const token = emulator.issueToken({ channel: '*', scopes: ['*'] });
    const client = createAstroClient({
      url: emulator.url,
      token,
      heartbeatTimeoutMs: CONFIG.heartbeatTimeoutMs,
      requestTimeoutMs: CONFIG.requestTimeoutMs,
      backoff: CONFIG.backoff,
      rateLimit: CONFIG.bucket,
      maxFrameBytes: CONFIG.maxFrameBytes,
    });
    const c: SoakClient = {
      index: i,
      client,
      token,
      desired: new Map(),
      received: keys.map(() => []),
      gaps: [],
      topicErrors: [],
      subs: [],
      status: 'idle',
      decodeWarnings: 0,
    };
    c.subs.push(
      client.state$.subscribe((s) => {
        c.status = s.status;
        if (s.status === 'open' && s.clientId !== undefined) c.clientId = s.clientId;
      }),
      client.gaps$.subscribe((g) => {
        c.gaps.push(g);
        log(`client ${i}: gap ${g.cause} ${g.to - g.from} ms`);
      }),
      client.metrics$.subscribe((m) => (c.metrics = m)),
      client.warnings$.subscribe(() => c.decodeWarnings++),
    );
    clients.push(c);
  }

  const subscribeKey = (c: SoakClient, topic: (typeof TOPICS)[number], requested: string, canonical: string) => {
    const k = keyIndex.get(subKey(topic, canonical));
    const sub = c.client.topic(topic, { room: requested }).subscribe({
      next: (m) => {
        const stamp = (m.data as { soak?: { k: number; s: number } } | null)?.soak;
        if (!stamp || typeof stamp.k !== 'number' || typeof stamp.s !== 'number') {
          foreign++;
          return;
        }
        const key = keys[stamp.k];
        if (k !== stamp.k || !key || m.topic !== key.topic || m.room !== key.canonical) {
          misrouted++;
          return;
        }
        const row = c.received[stamp.k];
        if (!row) return;
        const n = (row[stamp.s] ?? 0) + 1;
        row[stamp.s] = n;
        if (n > 1) duplicated++;
      },
      error: (e: unknown) => c.topicErrors.push(`${topic}/${requested}: ${e instanceof Error ? e.message : String(e)}`),
    });
    c.desired.set(subKey(topic, canonical), sub);
  };

  for (const c of clients) for (const key of keys) subscribeKey(c, key.topic, key.requested, key.canonical);

  // recovery: every client's current connection holds exactly its desired subscriptions
  const retired = new Set<string>();
  const totalDesired = () => clients.reduce((n, c) => n + c.desired.size, 0);
  const recovered = (exact = false): boolean => {
    if (emulator.subscriptionCount() !== totalDesired()) return false;
    const live = emulator.connections().filter((x) => !x.draining && !x.silenced);
    if (live.length !== clients.length) return false;
    for (const c of clients) {
      if (c.status !== 'open' || c.clientId === undefined || retired.has(c.clientId)) return false;
      const conn = live.find((x) => x.clientId === c.clientId);
      if (!conn || conn.subscriptions.length !== c.desired.size) return false;
      if (exact && !conn.subscriptions.every((s) => c.desired.has(subKey(s.topic, s.room)))) return false;
    }
    return true;
  };
  const waitRecovered = async (boundMs: number): Promise<number | undefined> => {
    const deadline = Date.now() + boundMs;
    for (;;) {
      if (recovered()) return Date.now();
      if (Date.now() > deadline) return undefined;
      await sleep(CONFIG.pollMs);
    }
  };
  const describeState = (): string[] => {
    const conns = emulator.connections();
    return [
      ...clients.map(
        (c) =>
          `client ${c.index}: status=${c.status} clientId=${c.clientId ?? '-'}${c.clientId && retired.has(c.clientId) ? ' (retired)' : ''} desired=${c.desired.size} ` +
          `metrics=${JSON.stringify({ connects: c.metrics?.connects, reconnects: c.metrics?.reconnects, gaps: c.metrics?.gaps, queue: c.metrics?.queue, active: c.metrics?.activeSubscriptions })}`,
      ),
      ...conns.map((x) => `emulator connection ${x.clientId}: subs=${x.subscriptions.length} draining=${x.draining} silenced=${x.silenced} restored=${x.restored} commands=${x.commandsReceived}`),
    ];
  };
  const gapCount = () => clients.reduce((n, c) => n + (c.metrics?.gaps ?? 0), 0);

  const failures: string[] = [];
  const faults: FaultRecord[] = [];
  let publisher: ReturnType<typeof setInterval> | undefined;
  let heapStart = 0;
  let heapEnd = 0;
  let unrecovered = 0;
  let requestedRejections = 0;
  // Refused upgrades queued by refuse_* are all taken once every client is back (a fresh upgrade succeeds only
  // when none is left), so they can be pending only while such a fault is not recovered from.
  // A drain called while one runs only returns the running one (no reconnect frames): never start two.
  let draining = false;
  const startDrain = () => {
    draining = true;
    void emulator.drain().then(() => (draining = false));
  };
  const resetSwitches = () => emulator.faults.set({ ...CONFIG.switches, oldSocketCloseMs: CONFIG.drainGraceMs });
  const addExtras = (c: SoakClient, n: number) => {
    for (let i = 0; i < n; i++) {
      const room = `extra-${++extraSeq}`;
      subscribeKey(c, 'channel.tips', room, room);
    }
  };
  const refusalsQueued = () => faults.some((f) => f.recoveredAt === undefined && (f.kind === 'refuse_429' || f.kind === 'refuse_502'));
  let extraSeq = 0;
  const garbage = garbageFrames(CONFIG.maxFrameBytes);
  const weights = Object.fromEntries(FAULT_KINDS.map((k) => [k, !o.kinds || o.kinds.includes(k) ? WEIGHTS[k] : 0])) as Record<FaultKind, number>;

  const healthy = (id: string | undefined): id is string =>
    id !== undefined && !retired.has(id) && emulator.connections().some((x) => x.clientId === id && !x.silenced && !x.draining);

  /** `elsewhere`: aim at a client that is healthy now (a second client failing while the first recovers). */
  const inject = (kind: FaultKind, overlapping: boolean, elsewhere = false): FaultRecord => {
    const healthyClients = clients.filter((c) => healthy(c.clientId));
    const one = elsewhere && healthyClients.length > 0 ? pick(faultRandom, healthyClients) : pick(faultRandom, clients);
    const targetsAll = faultRandom() < 0.5;
    const retire = (c: SoakClient) => {
      if (c.clientId !== undefined) retired.add(c.clientId);
    };
    const dropTargets = () => {
      if (targetsAll) {
        clients.forEach(retire);
        emulator.faults.dropAll();
      } else {
        retire(one);
        if (one.clientId !== undefined) emulator.faults.drop(one.clientId);
      }
    };
    const stats = emulator.stats;
    const record: FaultRecord = {
      kind,
      variant: '',
      at: Date.now(),
      overlapping,
      overlapped: false,
      tainted: stats.reconnectsRejected < requestedRejections,
      gapsBefore: gapCount(),
    };
    let variant = '';
    switch (kind) {
      case 'drop_all':
        clients.forEach(retire);
        emulator.faults.dropAll();
        break;
      case 'drop_one':
        retire(one);
        if (one.clientId !== undefined) emulator.faults.drop(one.clientId);
        break;
      case 'drain':
        startDrain();
        break;
      case 'bad_reconnect':
        // The drain variant only when no refused upgrade is still queued: a token upgrade would take the
        // refusal, the rejection would stay queued and spoil the next (graceful) drain.
        if (faultRandom() < 0.5 && !refusalsQueued() && !draining) {
          // the emulator drains but refuses every token: the clients fall back to fresh connections (502 until the drain ends)
          variant = 'drain';
          const n = emulator.connections().filter((x) => !x.draining).length;
          requestedRejections += n;
          emulator.faults.rejectNextReconnects(n);
          startDrain();
        } else {
          // a reconnect frame with a token the emulator never issued, outside any drain
          variant = 'bogus_token';
          if (healthy(one.clientId)) {
            retire(one);
            requestedRejections += 1;
            emulator.faults.sendRaw(
              JSON.stringify({ type: 'reconnect', data: { message: 'The server is shutting down.', reconnect_token: 'eyJhbGciOiJIUzI1NiIs.bogus.token' } }),
              one.clientId,
            );
          }
        }
        break;
      case 'refuse_429':
      case 'refuse_502': {
        const n = int(faultRandom, 1, 3);
        variant = `${n}x${targetsAll ? '/all' : '/one'}`;
        emulator.faults.refuseUpgrades(kind === 'refuse_429' ? 429 : 502, n);
        dropTargets();
        break;
      }
      case 'garbage': {
        const n = int(faultRandom, 3, 8);
        variant = `${n}${targetsAll ? '/all' : '/one'}`;
        // Only to healthy connections: a frame reaching a silenced link would be a sign of life no real
        // dead link gives (TCP delivers in order), and would move the client's gap start past lost frames.
        const targets = (targetsAll ? clients : [one]).map((c) => c.clientId).filter((id): id is string => healthy(id));
        for (let i = 0; i < n; i++) {
          const frame = pick(faultRandom, garbage);
          for (const id of targets) emulator.faults.sendRaw(frame, id);
        }
        break;
      }
      case 'silence':
        retire(one);
        if (one.clientId !== undefined) emulator.faults.silence(true, one.clientId);
        break;
      case 'cmd_rate_limit':
      case 'cmd_deadline':
      case 'cmd_internal': {
        const code = kind === 'cmd_rate_limit' ? 'rate_limit_exceeded' : kind === 'cmd_deadline' ? 'err_deadline_exceeded' : 'err_internal_error';
        const n = int(faultRandom, 1, 3);
        variant = `${n}`;
        emulator.faults.failNextCommands(code, n);
        addExtras(one, n);
        break;
      }
      case 'out_of_order':
        // a re-subscribe burst whose answers leave out of order (authorization latency varies per command)
        emulator.faults.set({ authLatencyMs: CONFIG.raceAuthLatencyMs });
        dropTargets();
        variant = targetsAll ? 'all' : 'one';
        break;
      case 'snapshot_token_use': {
        // subscribes still in authorization when the reconnect frame leaves: acknowledged on the old socket,
        // and part of the handover because the snapshot is taken when the token is used
        const n = int(faultRandom, 1, 3);
        variant = `${n}`;
        emulator.faults.set({ snapshot: 'tokenUse', authLatencyMs: CONFIG.raceAuthLatencyMs });
        addExtras(one, n);
        startDrain();
        break;
      }
      case 'early_close':
        // the gateway closes the old sockets with the reconnect frame, before any new one is welcomed
        emulator.faults.set({ oldSocketCloseMs: 0 });
        startDrain();
        break;
      case 'token_refused': {
        const status = faultRandom() < 0.5 ? 429 : 502;
        variant = String(status);
        emulator.faults.set({ tokenUpgrade: { status } });
        startDrain();
        break;
      }
    }
    const done = { ...record, variant };
    faults.push(done);
    log(`fault ${kind}${variant ? ` (${variant})` : ''}${overlapping ? ' [overlapping]' : ''}`);
    return done;
  };

  /** Removes the extra subscriptions of command faults once they are active. */
  const dropExtras = async () => {
    let removed = false;
    for (const c of clients) {
      for (const [key, sub] of [...c.desired]) {
        if (!key.includes('\u0000extra-')) continue;
        sub.unsubscribe();
        c.desired.delete(key);
        removed = true;
      }
    }
    if (removed && (await waitRecovered(CONFIG.recoveryBoundMs)) === undefined) {
      unrecovered++;
      failures.push('extra subscriptions were not removed at the emulator');
    }
  };

  /** A rough upper estimate of a recovery, to keep disruptive faults away from the end of the run. */
  const estimateMs = (kind: FaultKind): number => {
    const pacing = Math.max(0, o.rooms - CONFIG.bucket.burst) * CONFIG.bucket.intervalMs;
    const base: Partial<Record<FaultKind, number>> = {
      silence: CONFIG.heartbeatTimeoutMs + 500,
      refuse_429: 2500,
      bad_reconnect: CONFIG.drainGraceMs + 500,
      out_of_order: CONFIG.raceAuthLatencyMs[1] + 300,
      token_refused: CONFIG.drainGraceMs + 2500,
    };
    // base + a backoff in a streak + the paced re-subscribe + one rate-limit pause
    if (DISRUPTIVE.has(kind)) return (base[kind] ?? 300) + 1000 + pacing + 1000;
    return DRAINING.has(kind) ? CONFIG.drainGraceMs + 1500 : 1500;
  };

  try {
    // warm-up: everything subscribed, then the publisher starts
    if ((await waitRecovered(CONFIG.recoveryBoundMs)) === undefined) {
      unrecovered++;
      failures.push('initial subscriptions never became active');
      throw new Error('warm-up failed');
    }
    log(`warm-up done: ${totalDesired()} subscriptions`);
    const perTick = Math.max(1, Math.round(o.publishPerSecond / 50));
    publisher = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        const k = Math.floor(publishRandom() * keys.length);
        const key = keys[k];
        const row = published[k];
        if (!key || !row) continue;
        const s = row.length;
        row.push(Date.now());
        emulator.publish(key.topic, key.canonical, { soak: { k, s }, n: 'x'.repeat(16) });
      }
    }, 20);
    await sleep(1000);
    heapStart = await gcHeap();

    const stopFaultsAt = endAt - 1500;
    let chain = 0;
    const among = (kinds: readonly FaultKind[]) => weighted(faultRandom, Object.fromEntries(FAULT_KINDS.map((k) => [k, kinds.includes(k) ? weights[k] : 0])) as Record<FaultKind, number>);
    while (Date.now() < stopFaultsAt - 200 && unrecovered === 0) {
      const remaining = stopFaultsAt - Date.now();
      const fitting = FAULT_KINDS.filter((k) => weights[k] > 0 && estimateMs(k) <= remaining && !(DRAINING.has(k) && draining));
      const disruptive = fitting.filter((k) => DISRUPTIVE.has(k));
      const quick = fitting.filter((k) => !DISRUPTIVE.has(k));
      if (fitting.length === 0) break;
      // A disruptive fault costs a full re-subscribe (seconds, paced by the gateway's bucket): prefer them while
      // they still fit, and fill the end of the run with quick ones.
      const kind = disruptive.length > 0 && (quick.length === 0 || faultRandom() < 0.6) ? among(disruptive) : among(quick);
      const record = inject(kind, chain > 0, chain > 0 && faultRandom() < 0.7);
      // sometimes hit the clients again before they have recovered (a drop during a re-subscribe)
      if (DISRUPTIVE.has(kind) && chain < 2 && faultRandom() < o.overlapProbability) {
        await sleep(int(faultRandom, 100, 1500));
        if (!recovered()) {
          record.overlapped = true;
          chain++;
          continue;
        }
      }
      chain = 0;
      const at = await waitRecovered(CONFIG.recoveryBoundMs);
      const open = faults.filter((f) => f.recoveredAt === undefined);
      if (at === undefined) {
        details.push(...describeState());
        unrecovered++;
        failures.push(`no recovery within ${CONFIG.recoveryBoundMs} ms after ${kind}`);
        break;
      }
      for (const f of open) {
        f.recoveredAt = at;
        f.gapsAfter = gapCount();
      }
      log(`recovered after ${at - record.at} ms`);
      resetSwitches();
      if (EXTRAS.has(kind)) await dropExtras();
      await sleep(int(faultRandom, 200, 1200));
    }

    // the end: everything recovered, publish a little longer, let the last frames arrive
    if (unrecovered === 0 && (await waitRecovered(CONFIG.recoveryBoundMs)) === undefined) {
      unrecovered++;
      failures.push('no recovery at the end of the run');
    }
    for (const f of faults) if (f.recoveredAt === undefined && unrecovered === 0) f.recoveredAt = Date.now();
    const publishUntil = Math.max(Date.now() + 1000, endAt - 500);
    await sleep(publishUntil - Date.now());
    clearInterval(publisher);
    publisher = undefined;
    await sleep(500);
    if (unrecovered === 0 && !recovered(true)) failures.push('the emulator holds other subscriptions than the clients want');
    heapEnd = await gcHeap();
  } catch (e) {
    if (!(e instanceof Error && e.message === 'warm-up failed')) {
      failures.push(`soak crashed: ${e instanceof Error ? e.message : String(e)}`);
      details.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
  } finally {
    if (publisher) clearInterval(publisher);
  }

  // losses: every event a client wanted and did not get must fall inside one of its gaps
  const graceful = faults.filter((f) => f.kind === 'drain' && !f.overlapping && !f.overlapped && !f.tainted && f.recoveredAt !== undefined);
  // A graceful drain answers for the events published from its start until a second after its recovery,
  // or until the next fault, whichever comes first.
  const gracefulEnd = (f: FaultRecord) => {
    const next = faults.find((g) => g.at > f.at);
    return Math.min((f.recoveredAt ?? 0) + 1000, next ? next.at - CONFIG.gapEpsilonMs : Infinity);
  };
  let publishedCount = 0;
  let delivered = 0;
  let lost = 0;
  let lostOutside = 0;
  let lostGraceful = 0;
  let expected = 0;
  for (let k = 0; k < keys.length; k++) {
    const times = published[k] ?? [];
    publishedCount += times.length;
    for (const c of clients) {
      const row = c.received[k] ?? [];
      for (let s = 0; s < times.length; s++) {
        expected++;
        if ((row[s] ?? 0) > 0) {
          delivered++;
          continue;
        }
        lost++;
        const p = times[s] ?? 0;
        if (!c.gaps.some((g) => g.from - CONFIG.gapEpsilonMs <= p && p <= g.to + CONFIG.gapEpsilonMs)) {
          lostOutside++;
          if (lostOutside <= 5) {
            const near = c.gaps.map((g) => `[${g.from - t0}..${g.to - t0} ${g.cause}]`).join(' ');
            details.push(`lost outside any gap: client ${c.index} ${keys[k]?.topic}/${keys[k]?.canonical} #${s} published at +${p - t0} ms; gaps: ${near || 'none'}`);
          }
        }
        if (graceful.some((f) => f.at - CONFIG.gapEpsilonMs <= p && p <= gracefulEnd(f))) lostGraceful++;
      }
    }
  }
  const gracefulGaps = graceful.reduce((n, f) => n + ((f.gapsAfter ?? f.gapsBefore) - f.gapsBefore), 0);
  const gapsEmitted = clients.reduce((n, c) => n + c.gaps.length, 0);
  const gapsCounted = gapCount();
  const badGaps = clients.reduce((n, c) => n + c.gaps.filter((g) => !(g.from <= g.to)).length, 0);
  const topicErrors = clients.reduce((n, c) => n + c.topicErrors.length, 0);
  for (const c of clients) for (const e of c.topicErrors.slice(0, 3)) details.push(`topic error on client ${c.index}: ${e}`);
  const decodeFailures = clients.reduce((n, c) => n + (c.metrics?.decodeFailures ?? 0), 0);
  const clientRateLimited = clients.reduce((n, c) => n + (c.metrics?.rateLimited ?? 0), 0);
  const dedupeDropped = clients.reduce((n, c) => n + (c.metrics?.duplicatesDropped ?? 0), 0);
  const reconnects = clients.reduce<Record<string, number>>((acc, c) => {
    for (const [cause, n] of Object.entries(c.metrics?.reconnects ?? {})) acc[cause] = (acc[cause] ?? 0) + n;
    return acc;
  }, {});
  const stats = emulator.stats;

  // close everything, then look at what is left
  for (const c of clients) {
    for (const sub of c.desired.values()) sub.unsubscribe();
    c.client.close();
    for (const sub of c.subs) sub.unsubscribe();
  }
  await emulator.close();
  loop.disable();
  process.off('uncaughtException', onUnhandled);
  process.off('unhandledRejection', onUnhandled);

  const recoveries = faults
    .filter((f) => f.recoveredAt !== undefined)
    .map((f) => (f.recoveredAt ?? 0) - f.at)
    .sort((a, b) => a - b);
  const byKind = FAULT_KINDS.map((k) => `${k}:${faults.filter((f) => f.kind === k).length}`).join(',');
  const worst = faults.reduce<FaultRecord | undefined>((w, f) => ((f.recoveredAt ?? 0) - f.at > ((w?.recoveredAt ?? 0) - (w?.at ?? 0)) ? f : w), undefined);
  const growth = heapStart > 0 ? (heapEnd - heapStart) / heapStart : 0;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

  if (faults.length === 0) failures.push('no fault was injected');
  if (duplicated > 0) failures.push('duplicated');
  if (lostOutside > 0) failures.push('lost_outside_gaps');
  if (lostGraceful > 0) failures.push('lost_graceful');
  if (gracefulGaps > 0) failures.push('graceful_gaps');
  if (gapsCounted !== gapsEmitted) failures.push('gaps_unreported');
  if (badGaps > 0) failures.push('bad_gaps');
  if (topicErrors > 0) failures.push('topic_errors');
  if (misrouted > 0 || foreign > 0) failures.push('misrouted');
  if (unhandled > 0) failures.push('unhandled');
  if (unrecovered > 0) failures.push('unrecovered');
  if (heapStart > 0 && growth > CONFIG.heapGrowthLimit) failures.push('heap_growth');
  const ok = failures.length === 0;

  const summary = [
    'SOAK',
    `result=${ok ? 'PASS' : 'FAIL'}`,
    `seed=${o.seed}`,
    `seconds=${((Date.now() - t0) / 1000).toFixed(1)}`,
    `clients=${o.clients}`,
    `subscriptions=${o.clients * o.rooms}`,
    `faults=${faults.length}`,
    `kinds=${byKind}`,
    `overlapping=${faults.filter((f) => f.overlapping).length}`,
    `recovery_ms_max=${recoveries[recoveries.length - 1] ?? 0}`,
    `recovery_ms_p99=${percentile(recoveries, 99)}`,
    `recovery_ms_p50=${percentile(recoveries, 50)}`,
    `worst=${worst ? worst.kind : '-'}`,
    `bound_ms=${CONFIG.recoveryBoundMs}`,
    `unrecovered=${unrecovered}`,
    `published=${publishedCount}`,
    `expected=${expected}`,
    `delivered=${delivered}`,
    `duplicated=${duplicated}`,
    `lost=${lost}`,
    `lost_outside_gaps=${lostOutside}`,
    `lost_graceful=${lostGraceful}`,
    `graceful_drains=${graceful.length}`,
    `graceful_gaps=${gracefulGaps}`,
    `gaps=${gapsEmitted}`,
    `gaps_unreported=${gapsCounted - gapsEmitted}`,
    `topic_errors=${topicErrors}`,
    `misrouted=${misrouted + foreign}`,
    `unhandled=${unhandled}`,
    `decode_failures=${decodeFailures}`,
    `dedupe_dropped=${dedupeDropped}`,
    `reconnects=${Object.entries(reconnects)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k}:${n}`)
      .join(',') || 'none'}`,
    `client_rate_limited=${clientRateLimited}`,
    `emu_rate_limited=${stats.rateLimited}`,
    `emu_429=${stats.upgradesRefused429}`,
    `emu_502=${stats.upgradesRefused502}`,
    `heap_mb=${mb(heapStart)}->${mb(heapEnd)}`,
    `heap_growth=${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%`,
    `loop_p99_ms=${(loop.percentile(99) / 1e6).toFixed(0)}`,
  ].join(' ');
  if (!ok) details.unshift(`failed: ${failures.join(', ')}`);
  return { ok, failures, summary, details };
}
