import type { Subscription } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { AstroClient, AstroClientOptions, ClientMetrics, Gap, TopicMessage } from '../../lib/client/types';
import type { AstroError } from '../../lib/errors/astroError';
import type { TopicName } from '../../lib/protocol/topics';
import { virtualGateway, type VirtualGateway, type VirtualGatewayOptions } from '../../lib/testing/virtualGateway';
import type { GatewayConnection, WireEntry } from '../../lib/testing/gateway/types';

/** The channel of the default token `tok`. */
export const ROOM = 'c1';

/** Tokens the gateway knows: `tok` owns everything; `weak` lacks every scoped topic. */
export const TOKENS = {
  tok: { channel: '*', scopes: '*' as const },
  own: { channel: ROOM, scopes: '*' as const },
  weak: { channel: '*', scopes: [] as string[] },
};

/** One client on one virtual gateway, with everything it reports recorded. */
export interface Race {
  readonly scheduler: TestScheduler;
  readonly gw: VirtualGateway;
  readonly client: AstroClient;
  readonly gaps: Gap[];
  readonly warnings: AstroError[];
  readonly metrics: () => ClientMetrics;
  /** Runs `work` at virtual time `ms` (absolute). */
  at(ms: number, work: () => void): void;
  /** Subscribes to a topic, recording its events and its error. */
  listen<T extends TopicName>(topic: T, options?: Parameters<AstroClient['topic']>[1]): Listener<T>;
}

export interface Listener<T extends TopicName = TopicName> {
  readonly events: TopicMessage<T>[];
  readonly ids: () => string[];
  error?: AstroError;
  completed: boolean;
  readonly subscription: Subscription;
}

/**
 * A client on a virtual gateway. Must be called inside `scheduler.run()`.
 * Every test must end with its topics unsubscribed or `client.close()` at a scheduled time.
 */
export function race(
  scheduler: TestScheduler,
  gateway: Partial<Omit<VirtualGatewayOptions, 'scheduler'>> = {},
  options: Partial<AstroClientOptions> = {},
): Race {
  const gw = virtualGateway({ scheduler, tokens: TOKENS, ...gateway });
  let seq = 0;
  const client = createAstroClient({
    url: 'ws://127.0.0.1:1',
    token: 'tok',
    scheduler,
    openSocket: gw.openSocket,
    nonce: () => `n${++seq}`,
    random: () => 0.5,
    backoff: { jitter: false },
    heartbeatTimeoutMs: 0,
    ...options,
  });
  const gaps: Gap[] = [];
  const warnings: AstroError[] = [];
  let last: ClientMetrics | undefined;
  client.gaps$.subscribe((g) => gaps.push(g));
  client.warnings$.subscribe((w) => warnings.push(w));
  client.metrics$.subscribe((m) => (last = m));
  return {
    scheduler,
    gw,
    client,
    gaps,
    warnings,
    metrics: () => last as ClientMetrics,
    at: (ms, work) => void scheduler.schedule(work, Math.max(0, ms - scheduler.now())),
    listen: (topic, opts) => {
      const l: { events: TopicMessage<never>[]; error?: AstroError; completed: boolean } = { events: [], completed: false };
      const subscription = client.topic(topic, opts).subscribe({
        next: (e) => l.events.push(e as never),
        error: (e: AstroError) => (l.error = e),
        complete: () => (l.completed = true),
      });
      return Object.assign(l, { subscription, ids: () => l.events.map((e) => e.id as string) }) as never;
    },
  };
}

/** `topic\u0000room`, as the gateway keys what it holds. */
export const held = (topic: string, room: string): string => `${topic}\u0000${room}`;

/** What the current (welcomed, not draining) connection holds, sorted. */
export function heldNow(gw: VirtualGateway): string[] {
  return [...(gw.current()?.held ?? [])].sort();
}

/** Every live connection's held set, sorted, as `conn:topic/room`. */
export function heldLive(gw: VirtualGateway): string[] {
  return gw
    .connections()
    .filter((c: GatewayConnection) => c.live)
    .flatMap((c) => [...c.held].map((k) => `${c.index}:${k.replace('\u0000', '/')}`))
    .sort();
}

/** The commands the gateway read, as `type topic/room` (`*` for no room), optionally of one connection. */
export function commands(gw: VirtualGateway, conn?: number): string[] {
  return gw.wire
    .filter((w) => w.command && (conn === undefined || w.conn === conn))
    .map((w) => `${w.command?.type} ${w.command?.topic}/${w.command?.room ?? '*'}`);
}

/** Whether a command was an unsubscribe without room (drops the topic in every room). */
export const isUnsubscribeAll = (w: WireEntry): boolean => w.command?.type === 'unsubscribe' && (w.command.room === undefined || w.command.room === '');

/**
 * Replays a token bucket (burst `burst`, one token per `intervalMs`) over each
 * connection's send times: the first send that would
 * have found it empty, or `undefined` when none did.
 */
export function bucketViolation(wire: readonly WireEntry[], burst = 100, intervalMs = 100): { conn: number; at: number; index: number } | undefined {
  const byConn = new Map<number, number[]>();
  for (const w of wire) byConn.set(w.conn, [...(byConn.get(w.conn) ?? []), w.at]);
  for (const [conn, times] of byConn) {
    let tokens = burst;
    // Full when the connection opened, and nothing spent before its first send: full then too.
    let last = times[0] as number;
    for (const [index, at] of times.entries()) {
      tokens = Math.min(burst, tokens + Math.max(0, at - last) / intervalMs);
      last = at;
      if (tokens < 1) return { conn, at, index };
      tokens -= 1;
    }
  }
  return undefined;
}

/** When the gateway last sent a frame on connection `conn`. */
export function lastFrameAt(gw: VirtualGateway, conn: number): number | undefined {
  const frames = gw.outgoing.filter((o) => o.conn === conn);
  return frames[frames.length - 1]?.at;
}

/** When the gateway sent the `welcome` of connection `conn`. */
export function welcomedAt(gw: VirtualGateway, conn: number): number | undefined {
  return gw.outgoing.find((o) => o.conn === conn && typeof o.data === 'string' && o.data.includes('"type":"welcome"'))?.at;
}

/** The events published to (topic, room) that `listener` did not get and that no gap covers: silent losses. */
export function uncovered(gw: VirtualGateway, listener: Listener, gaps: readonly Gap[], topic = 'channel.tips', room = ROOM): Array<{ id: string; at: number }> {
  const got = new Set(listener.ids());
  return gw.published
    .filter((p) => p.topic === topic && p.room === room && !got.has(p.id))
    .filter((p) => !gaps.some((g) => g.from <= p.at && p.at <= g.to))
    .map(({ id, at }) => ({ id, at }));
}
