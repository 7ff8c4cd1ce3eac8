import { emulatorSession } from '../helpers/emulatorSession';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { ConnectionState, Gap } from '../../lib/client/types';
import { Emulator, startEmulator } from '../../lib/testing';

// The pool against the emulator over real loopback sockets, with a scaled-down command bucket.

const BURST = 10;
const INTERVAL_MS = 10;
const RESERVE = 2;
/**
 * The emulator runs in this process: a busy event loop reads a connection's commands late and
 * several at once, so its own bucket gets more burst than the client's. Whether the client kept
 * to BURST and INTERVAL_MS is checked from the emulator's per-connection counts instead.
 */
const EMULATOR_LIMIT = { burst: BURST * 4, intervalMs: INTERVAL_MS };
const TOPIC = 'channel.activities';

const waitFor = async (check: () => boolean, timeoutMs: number, what: string) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the connection pool against the emulator', () => {
  const session = emulatorSession();

  const poolClient = (e: Emulator, connections: number) =>
    (session.client = createAstroClient({
      url: e.url,
      token: e.issueToken({ channel: '*' }),
      connections,
      rateLimit: { burst: BURST, intervalMs: INTERVAL_MS, reserve: RESERVE },
      backoff: { initialDelayMs: 50, maxDelayMs: 500 },
    }));

  it('subscribes 2 000 rooms on 4 connections in about 1/4 of the single-connection minimum, each within its bucket', async () => {
    const e = (session.emulator = await startEmulator({ rateLimit: EMULATOR_LIMIT }));
    const rooms = Array.from({ length: 2000 }, (_, i) => `room${i}`);
    // The least time one connection needs: the usable burst at once, then one command per interval.
    const singleMinimumMs = (rooms.length - (BURST - RESERVE)) * INTERVAL_MS;
    const c = poolClient(e, 4);
    const started = Date.now();
    for (const room of rooms) session.subs.add(c.topic(TOPIC, { room }).subscribe());
    // Sample what each connection received, on the emulator side, while the subscribes flow.
    const peaks = new Map<string, { first: number; count: number; at: number }>();
    let lastTick = started;
    const sampler = setInterval(() => {
      const now = Date.now();
      for (const conn of e.connections()) {
        // A connection first seen now opened after the previous tick, so its bucket began no earlier than
        // that (taking the time of first sight would tighten the bound by however late this tick ran).
        const seen = peaks.get(conn.clientId) ?? { first: lastTick, count: 0, at: 0 };
        peaks.set(conn.clientId, { ...seen, count: conn.commandsReceived, at: now });
      }
      lastTick = now;
    }, 20);
    try {
      await waitFor(() => e.subscriptionCount(TOPIC) === rooms.length, 10_000, 'every subscription');
    } finally {
      clearInterval(sampler);
    }
    const elapsed = Date.now() - started;
    const perConnection = e.connections().map((x) => x.commandsReceived);
    console.log(`pool: 2000 rooms on 4 connections in ${elapsed} ms; one connection needs at least ${singleMinimumMs} ms; per connection ${perConnection.join(', ')} commands`);

    expect(perConnection).toHaveLength(4);
    expect(perConnection.reduce((a, b) => a + b, 0)).toBe(rooms.length);
    // about 1/4 (0.25 plus the CPU time of 2 000 commands on a loaded machine): under half the single-connection minimum, and no faster than the busiest connection's bucket allows
    expect(elapsed).toBeLessThan(singleMinimumMs * 0.5);
    expect(elapsed).toBeGreaterThanOrEqual((Math.max(...perConnection) - (BURST - RESERVE)) * INTERVAL_MS * 0.9);
    // no connection's wire exceeded its bucket: the emulator refused nothing, and no count outran burst + time / interval
    expect(e.stats.rateLimited).toBe(0);
    for (const p of peaks.values()) expect(p.count).toBeLessThanOrEqual(BURST + (p.at - p.first + 20) / INTERVAL_MS);
  }, 20_000);

  it('a drain of one connection leaves the other three undisturbed: no command, no pause, no gap', async () => {
    const e = (session.emulator = await startEmulator({ rateLimit: EMULATOR_LIMIT, drainGraceMs: 300 }));
    const rooms = Array.from({ length: 40 }, (_, i) => `room${i}`);
    const c = poolClient(e, 4);
    const states: ConnectionState[] = [];
    const gaps: Gap[] = [];
    const received = new Map<string, number[]>(rooms.map((r) => [r, []]));
    session.subs.add(c.state$.subscribe((s) => states.push(s)));
    session.subs.add(c.gaps$.subscribe((g) => gaps.push(g)));
    for (const room of rooms) session.subs.add(c.topic(TOPIC, { room }).subscribe((m) => received.get(room)?.push((m.data as unknown as { seq: number }).seq)));
    await waitFor(() => e.subscriptionCount(TOPIC) === rooms.length && states[states.length - 1]?.status === 'open', 5000, 'every subscription');
    const pool = states[states.length - 1]?.connections?.map((s) => s.clientId as string) ?? [];
    const [drained, ...others] = pool;
    const commandsBefore = new Map(e.connections().map((x) => [x.clientId, x.commandsReceived]));
    const roomsOf = new Map(e.connections().map((x) => [x.clientId, x.subscriptions.map((s) => s.room)]));

    // Events to every room every 5 ms; the arrival times of the undrained rooms' events show any pause.
    let seq = 0;
    const sentAt: number[] = [];
    const arrivals: number[] = [];
    const otherRooms = new Set(others.flatMap((id) => roomsOf.get(id) ?? []));
    session.subs.add(c.topic(TOPIC, { room: rooms[0] as string }).subscribe(() => undefined));
    for (const room of otherRooms) session.subs.add(c.topic(TOPIC, { room }).subscribe(() => arrivals.push(Date.now())));
    const publisher = setInterval(() => {
      sentAt.push(Date.now());
      for (const room of rooms) e.publish(TOPIC, room, { seq });
      seq++;
    }, 5);
    await sleep(100);
    expect(e.faults.handover(drained as string)).toEqual(expect.any(String));
    await sleep(500);
    clearInterval(publisher);
    await waitFor(() => [...received.values()].every((got) => got.length >= seq), 3000, 'every event');

    // the other three sent nothing and kept their sockets
    for (const id of others) expect(e.connections().find((x) => x.clientId === id)?.commandsReceived).toBe(commandsBefore.get(id));
    // the drained one was handed over: a restored connection holds its rooms
    const restored = e.connections().filter((x) => x.restored);
    expect(restored).toHaveLength(1);
    expect(restored[0]?.subscriptions.map((s) => s.room).sort()).toEqual([...(roomsOf.get(drained as string) ?? [])].sort());
    // every room got every event once, in order; no window of loss anywhere
    for (const got of received.values()) expect(got).toEqual(Array.from({ length: seq }, (_, i) => i));
    expect(gaps).toEqual([]);
    // no pause on the others: their events kept arriving through the drain (no silence longer than 150 ms)
    const silences = arrivals.slice(1).map((t, i) => t - (arrivals[i] as number));
    expect(Math.max(...silences)).toBeLessThan(150);
    // the pool never read other than open for those three
    for (const s of states.slice(states.findIndex((x) => x.status === 'open'))) {
      for (const id of others) expect(s.connections?.find((x) => x.clientId === id)?.status ?? 'open').toBe('open');
    }
  }, 20_000);
});
