import { firstValueFrom, filter, Subscription, take, toArray } from 'rxjs';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { AstroClient, Gap, TopicMessage } from '../../lib/client/types';
import { AstroError } from '../../lib/errors/astroError';
import { Emulator, startEmulator } from '../../lib/testing';

// The client against the emulator over real loopback sockets.

const waitFor = async (check: () => boolean, timeoutMs = 5000, what = 'condition') => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('client against the emulator', () => {
  let emulator: Emulator;
  let client: AstroClient | undefined;

  afterEach(async () => {
    client?.close();
    client = undefined;
    await emulator?.close();
  });

  const connectClient = (token: string, extra: Parameters<typeof createAstroClient>[0] = {}) =>
    (client = createAstroClient({ url: emulator.url, token, backoff: { initialDelayMs: 50, maxDelayMs: 500 }, ...extra }));

  it('subscribes and receives published events', async () => {
    emulator = await startEmulator();
    const c = connectClient(emulator.issueToken({ channel: 'chan1' }));
    const received = firstValueFrom(c.topic('channel.tips', { room: 'chan1' }).pipe(take(2), toArray()));
    await waitFor(() => emulator.subscriptionCount('channel.tips', 'chan1') === 1, 5000, 'the subscription');
    const tip = { donation: { amount: 4.2, currency: 'USD' } };
    emulator.publish('channel.tips', 'chan1', tip);
    emulator.publish('channel.tips', 'other', tip);
    emulator.publish('channel.tips', 'chan1', { ...tip, n: 2 });
    const events = await received;
    expect(events.map((e) => e.data)).toEqual([tip, { ...tip, n: 2 }]);
    expect(events[0]?.room).toBe('chan1');
  });

  it('loses and duplicates no message across a graceful drain', async () => {
    emulator = await startEmulator({ drainGraceMs: 300 });
    const c = connectClient(emulator.issueToken({ channel: '*' }));
    const seen: number[] = [];
    const gaps: Gap[] = [];
    const subs = new Subscription();
    subs.add(c.gaps$.subscribe((g) => gaps.push(g)));
    for (const room of ['r1', 'r2', 'r3']) {
      subs.add(c.topic('channel.session.update', { room }).subscribe((m) => seen.push((m.data as { data: { seq: number } }).data.seq)));
    }
    await waitFor(() => emulator.subscriptionCount('channel.session.update') === 3, 5000, 'subscriptions');
    let seq = 0;
    const publishing = setInterval(() => {
      for (const room of ['r1', 'r2', 'r3']) emulator.publish('channel.session.update', room, { key: 'counter', data: { seq: seq++ } });
    }, 5);
    await new Promise((r) => setTimeout(r, 100));
    await emulator.drain();
    await new Promise((r) => setTimeout(r, 150));
    clearInterval(publishing);
    await waitFor(() => seen.length >= seq, 2000, 'every event');
    subs.unsubscribe();
    expect(seq).toBeGreaterThan(30);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: seq }, (_, i) => i));
    expect(gaps).toEqual([]);
    expect(emulator.stats.reconnectsAccepted).toBe(1);
    // the gateway restored the subscriptions: the client sent no subscribe after the handover
    expect(emulator.stats.subscribes).toBe(3);
  });

  it('recovers every subscription after an abrupt drop and flags the gap', async () => {
    emulator = await startEmulator();
    const c = connectClient(emulator.issueToken({ channel: '*' }));
    const rooms = Array.from({ length: 20 }, (_, i) => `room${i}`);
    const subs = new Subscription();
    const received = new Set<string>();
    const gaps: Gap[] = [];
    subs.add(c.gaps$.subscribe((g) => gaps.push(g)));
    for (const room of rooms) subs.add(c.topic('channel.activities', { room }).subscribe((m) => received.add(m.room)));
    await waitFor(() => emulator.subscriptionCount('channel.activities') === rooms.length, 5000, 'subscriptions');
    emulator.faults.dropAll();
    await waitFor(() => emulator.connections().length === 1 && emulator.subscriptionCount('channel.activities') === rooms.length, 5000, 'recovery');
    await waitFor(() => gaps.length === 1, 2000, 'the gap signal');
    for (const room of rooms) emulator.publish('channel.activities', room, { type: 'follow', provider: 'twitch' });
    await waitFor(() => received.size === rooms.length, 2000, 'events in every room');
    subs.unsubscribe();
    expect(gaps[0]?.to).toBeGreaterThanOrEqual(gaps[0]?.from ?? Infinity);
  });

  it('waits at least Retry-After after HTTP 429', async () => {
    emulator = await startEmulator();
    emulator.faults.refuseUpgrades(429, 1);
    const c = connectClient(emulator.issueToken({ channel: 'chan1' }));
    const started = Date.now();
    const states: string[] = [];
    c.state$.subscribe((s) => states.push(s.status));
    const sub = c.topic('channel.tips', { room: 'chan1' }).subscribe();
    await waitFor(() => emulator.subscriptionCount('channel.tips', 'chan1') === 1, 6000, 'the subscription');
    sub.unsubscribe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(states).toContain('reconnecting');
    expect(emulator.stats.upgradesRefused429).toBe(1);
  });

  it('errors a topic the token may not read, and keeps the others', async () => {
    emulator = await startEmulator();
    const c = connectClient(emulator.issueToken({ channel: 'chan1', scopes: ['activities:read'] }));
    const error = firstValueFrom(c.topic('channel.tips', { room: 'chan1' })).catch((e: unknown) => e);
    const activity = firstValueFrom(c.topic('channel.activities', { room: 'chan1' }));
    await waitFor(() => emulator.subscriptionCount('channel.activities', 'chan1') === 1, 5000, 'the subscription');
    emulator.publish('channel.activities', 'chan1', { type: 'follow', provider: 'twitch' });
    expect(await error).toBeInstanceOf(AstroError);
    expect(((await error) as AstroError).code).toBe('err_unauthorized');
    expect(((await activity) as TopicMessage<'channel.activities'>).data.type).toBe('follow');
  });

  it('unsubscribes when a for-await loop breaks', async () => {
    emulator = await startEmulator();
    const c = connectClient(emulator.issueToken({ channel: 'chan1' }));
    const publisher = setInterval(() => emulator.publish('channel.stream.status', 'chan1', { isLive: true }), 20);
    const got: boolean[] = [];
    for await (const event of c.events('channel.stream.status', { room: 'chan1' })) {
      got.push(event.data.isLive);
      if (got.length === 3) break;
    }
    clearInterval(publisher);
    expect(got).toEqual([true, true, true]);
    await waitFor(() => emulator.stats.unsubscribes === 1 || emulator.connections().length === 0, 3000, 'the unsubscribe');
    expect(emulator.subscriptionCount('channel.stream.status', 'chan1')).toBe(0);
  });

  it('reports the canonical room of an alias on each event', async () => {
    emulator = await startEmulator({ roomAliases: { mychannel: 'c-123' } });
    const c = connectClient(emulator.issueToken({ channel: 'c-123' }));
    const event = firstValueFrom(c.topic('channel.stream.status', { room: 'mychannel' }).pipe(filter((e) => e.data.isLive)));
    await waitFor(() => emulator.subscriptionCount('channel.stream.status', 'c-123') === 1, 5000, 'the subscription');
    emulator.publish('channel.stream.status', 'c-123', { isLive: true });
    expect((await event).room).toBe('c-123');
  });
});
