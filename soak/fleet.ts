/**
 * The soak's clients: each holds one subscription per room (the first rooms
 * through an alias), and feeds what it receives, its gaps and its state to the
 * ledger and the counters. Extra subscriptions come and go with the command faults.
 */
import type { Subscription } from 'rxjs';
import { createAstroClient } from '../lib/client/createAstroClient';
import type { AstroClient, ClientMetrics } from '../lib/client/types';
import { seededRandom } from '../lib/testing/seededRandom';
import type { Emulator } from '../lib/testing';
import { CONFIG, TOPICS, subKey, type SoakTopic } from './config';
import type { Ledger } from './ledger';

/** One (topic, room) every client holds. */
export interface RoomKey {
  readonly topic: SoakTopic;
  /** What the client asks for (an alias for the first few rooms). */
  readonly requested: string;
  /** What the emulator publishes to and reports. */
  readonly canonical: string;
}

export interface SoakClient {
  readonly index: number;
  readonly client: AstroClient;
  /** desired subKey(topic, canonical room) → the user's subscription */
  readonly desired: Map<string, Subscription>;
  /** Connection ids that must not count as recovered (the fault meant to replace them). */
  readonly retired: Set<string>;
  readonly subs: Subscription[];
  clientId?: string;
  status: string;
  metrics?: ClientMetrics;
}

export interface FleetCounters {
  misrouted: number;
  topicErrors: number;
  readonly errorSamples: string[];
}

/** The rooms of a run and the aliases the emulator maps. */
export function roomKeys(rooms: number): { keys: RoomKey[]; aliases: Record<string, string> } {
  const keys: RoomKey[] = [];
  const aliases: Record<string, string> = {};
  for (let k = 0; k < rooms; k++) {
    const canonical = `room-${k}`;
    const requested = k < CONFIG.aliasedRooms ? `alias-${k}` : canonical;
    if (requested !== canonical) aliases[requested] = canonical;
    keys.push({ topic: TOPICS[k % TOPICS.length] ?? TOPICS[0], requested, canonical });
  }
  return { keys, aliases };
}

/** Starts `count` clients on `emulator`, each subscribed to every key. */
export function startFleet(emulator: Emulator, keys: readonly RoomKey[], count: number, seed: number, ledger: Ledger, log: (line: string) => void) {
  const counters: FleetCounters = { misrouted: 0, topicErrors: 0, errorSamples: [] };
  const clients: SoakClient[] = [];
  let gapsEmitted = 0;
  let badGaps = 0;
  const hold = (c: SoakClient, topic: SoakTopic, requested: string, canonical: string, k: number): string => {
    const key = subKey(topic, canonical);
    const sub = c.client.topic(topic, { room: requested }).subscribe({
      next: (m) => {
        const stamp = (m.data as { soak?: { k: number; g: number } } | null)?.soak;
        if (!stamp || stamp.k !== k || m.topic !== topic || m.room !== canonical) counters.misrouted++;
        else ledger.receive(c.index, stamp.g);
      },
      error: (e: unknown) => {
        counters.topicErrors++;
        if (counters.errorSamples.length < 5) counters.errorSamples.push(`client ${c.index} ${topic}/${requested}: ${e instanceof Error ? e.message : String(e)}`);
      },
    });
    c.desired.set(key, sub);
    return key;
  };
  for (let i = 0; i < count; i++) {
    const client = createAstroClient({
      url: emulator.url,
      token: emulator.issueToken({ channel: '*', scopes: ['*'] }),
      heartbeatTimeoutMs: CONFIG.heartbeatTimeoutMs,
      requestTimeoutMs: CONFIG.requestTimeoutMs,
      backoff: CONFIG.backoff,
      rateLimit: CONFIG.bucket,
      maxFrameBytes: CONFIG.maxFrameBytes,
      random: seededRandom(seed + 7919 * (i + 1)),
    });
    const c: SoakClient = { index: i, client, desired: new Map(), retired: new Set(), subs: [], status: 'idle' };
    c.subs.push(
      client.state$.subscribe((s) => {
        if (s.status !== c.status) log(`client ${i}: ${s.status}${s.clientId ? ` ${s.clientId}` : ''}`);
        c.status = s.status;
        if (s.status === 'open' && s.clientId !== undefined) c.clientId = s.clientId;
      }),
      client.gaps$.subscribe((g) => {
        gapsEmitted++;
        if (!(g.from <= g.to)) badGaps++;
        ledger.gap(i, g);
        log(`client ${i}: gap ${g.cause} from ${g.from} to ${g.to} (epoch ms)`);
      }),
      client.metrics$.subscribe((m) => (c.metrics = m)),
      client.warnings$.subscribe(() => undefined),
    );
    keys.forEach((key, k) => hold(c, key.topic, key.requested, key.canonical, k));
    clients.push(c);
  }
  let extraSeq = 0;
  return {
    clients,
    counters,
    gapsEmitted: () => gapsEmitted,
    badGaps: () => badGaps,
    /** Adds `n` extra subscriptions to client `c`; returns their keys. */
    addExtras(c: SoakClient, n: number): string[] {
      return Array.from({ length: n }, () => {
        const room = `extra-${++extraSeq}`;
        return hold(c, 'channel.tips', room, room, -1);
      });
    },
    removeExtras(c: SoakClient, extraKeys: readonly string[]): void {
      for (const key of extraKeys) {
        c.desired.get(key)?.unsubscribe();
        c.desired.delete(key);
      }
    },
    close(): void {
      for (const c of clients) {
        for (const sub of c.desired.values()) sub.unsubscribe();
        c.client.close();
        for (const sub of c.subs) sub.unsubscribe();
      }
    },
  };
}

export type Fleet = ReturnType<typeof startFleet>;
