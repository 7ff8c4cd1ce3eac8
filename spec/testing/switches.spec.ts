import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import { closeAllClients, connect, connectWelcomed, refusedUpgrade, subscribe, type RawClient } from './rawClient';

// The race switches of the gateway core, over real loopback sockets.
const ROOM = '603abc123';
const emulators: Emulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator({ pingIntervalMs: 60_000, drainGraceMs: 2000, ...options });
  emulators.push(e);
  return e;
}

afterEach(async () => {
  closeAllClients();
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function welcomed(e: Emulator): Promise<{ c: RawClient; id: string }> {
  const { client, welcome } = await connectWelcomed(e.url);
  return { c: client, id: welcome.data.client_id as string };
}

const withToken = (e: Emulator, token: string): string => `${e.url}/?reconnect_token=${encodeURIComponent(token)}`;

describe('emulator switches: authLatencyMs', () => {
  it('answers subscribes out of order when the first waits longer', async () => {
    const e = await start({ authLatencyMs: [150, 150] });
    const { c } = await welcomed(e);
    const token = e.issueToken({ channel: ROOM });
    c.send(subscribe('slow', 'channel.tips', ROOM, token, 'jwt'));
    await new Promise((r) => setTimeout(r, 20));
    e.faults.set({ authLatencyMs: [0, 0] });
    c.send(subscribe('fast', 'channel.activities', ROOM, token, 'jwt'));
    const first = await c.next((f) => f.type === 'response');
    const second = await c.next((f) => f.type === 'response');
    expect([first.nonce, second.nonce]).toEqual(['fast', 'slow']);
    expect(e.subscriptionCount()).toBe(2);
  });

  it('checks the rate limit on receipt, before the authorization latency', async () => {
    const e = await start({ authLatencyMs: [100, 100], rateLimit: { burst: 1, intervalMs: 10_000 } });
    const { c } = await welcomed(e);
    const token = e.issueToken({ channel: ROOM });
    c.send(subscribe('a', 'channel.tips', ROOM, token, 'jwt'));
    c.send(subscribe('b', 'channel.activities', ROOM, token, 'jwt'));
    const first = await c.next((f) => f.type === 'response');
    expect(first).toMatchObject({ error: 'rate_limit_exceeded' });
    expect(first).not.toHaveProperty('nonce');
    expect((await c.next((f) => f.type === 'response')).nonce).toBe('a');
  });
});

describe('emulator switches: rejectNext', () => {
  it('refuses the next commands with a nonce-less rate_limit_exceeded', async () => {
    const e = await start();
    const { c } = await welcomed(e);
    e.faults.rejectNext(2);
    c.send({ type: 'unsubscribe', nonce: 'u1', data: { topic: 'channel.tips' } });
    c.send('not json');
    const responses = [await c.next(), await c.next()];
    expect(responses.map((r) => [r.nonce, r.error])).toEqual([
      [undefined, 'rate_limit_exceeded'],
      [undefined, 'rate_limit_exceeded'],
    ]);
    expect((await c.command({ type: 'unsubscribe', nonce: 'u2', data: { topic: 'channel.tips' } })).error).toBeUndefined();
    expect(e.stats.rateLimited).toBe(2);
  });
});

describe('emulator switches: defaultRoom', () => {
  it.each([
    ['global', ''],
    ['tokenChannel', ROOM],
  ] as const)('%s: a subscribe without room is keyed by %j', async (defaultRoom, room) => {
    const e = await start({ defaultRoom });
    const { c } = await welcomed(e);
    const response = await c.command(subscribe('s', 'channel.tips', undefined, e.issueToken({ channel: ROOM }), 'jwt'));
    expect(response.data).toEqual({ message: expect.any(String), topic: 'channel.tips', room });
    expect(e.subscriptionCount('channel.tips', room)).toBe(1);
  });
});

describe('emulator switches: handover snapshot', () => {
  it.each([
    ['reconnectFrame', ['channel.tips']],
    ['tokenUse', ['channel.activities', 'channel.tips']],
  ] as const)('%s: a subscribe acknowledged on the old socket after the reconnect frame is restored: %j', async (snapshot, restored) => {
    const e = await start({ snapshot });
    const { c: old, id } = await welcomed(e);
    const token = e.issueToken({ channel: ROOM });
    await old.command(subscribe('a', 'channel.tips', ROOM, token, 'jwt'));
    const reconnectToken = e.faults.handover(id);
    expect((await old.next()).type).toBe('reconnect');
    expect((await old.command(subscribe('b', 'channel.activities', ROOM, token, 'jwt'))).error).toBeUndefined();
    const fresh = await connect(withToken(e, reconnectToken ?? ''));
    expect((await fresh.next()).type).toBe('welcome');
    const restoredConn = e.connections().find((x) => x.restored);
    expect(restoredConn?.subscriptions.map((s) => s.topic).sort()).toEqual(restored);
  });

  it('handover(clientId) drains one connection and leaves fresh upgrades alone', async () => {
    const e = await start();
    const { id } = await welcomed(e);
    expect(e.faults.handover(id)).toEqual(expect.stringMatching(/^eyJ/));
    expect(e.faults.handover(id)).toBeUndefined();
    expect(e.faults.handover('unknown')).toBeUndefined();
    expect((await welcomed(e)).id).not.toBe(id);
  });
});

describe('emulator switches: oldSocketCloseMs', () => {
  it('can close the old socket (1001) before the client has even opened the new one', async () => {
    const e = await start({ drainGraceMs: 0 });
    const { c: old } = await welcomed(e);
    await old.command(subscribe('a', 'channel.tips', ROOM, e.issueToken({ channel: ROOM }), 'jwt'));
    const done = e.drain();
    const reconnect = await old.next((f) => f.type === 'reconnect');
    expect((await old.closed).code).toBe(1001);
    await done;
    const fresh = await connect(withToken(e, reconnect.data.reconnect_token as string));
    expect((await fresh.next()).type).toBe('welcome');
    expect(e.subscriptionCount('channel.tips', ROOM)).toBe(1);
  });

  it('is a runtime switch', async () => {
    const e = await start();
    const { c: old, id } = await welcomed(e);
    expect(e.faults.set({ oldSocketCloseMs: 30 }).oldSocketCloseMs).toBe(30);
    e.faults.handover(id);
    const started = Date.now();
    expect((await old.closed).code).toBe(1001);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('emulator switches: tokenUpgrade', () => {
  async function tokenOf(e: Emulator): Promise<string> {
    const { c, id } = await welcomed(e);
    await c.command(subscribe('a', 'channel.tips', ROOM, e.issueToken({ channel: ROOM }), 'jwt'));
    e.faults.handover(id);
    return (await c.next((f) => f.type === 'reconnect')).data.reconnect_token as string;
  }

  it('refuses a token upgrade with 429 and Retry-After, without using the token up', async () => {
    const e = await start({ tokenUpgrade: { status: 429, retryAfterMs: 3000 } });
    const token = await tokenOf(e);
    const refused = await refusedUpgrade(withToken(e, token));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('3');
    expect((await welcomed(e)).id).toEqual(expect.any(String)); // fresh upgrades are not refused
    e.faults.set({ tokenUpgrade: 'accept' });
    const restored = await connect(withToken(e, token));
    expect((await restored.next()).type).toBe('welcome');
    expect(e.connections().find((x) => x.restored)?.subscriptions).toEqual([{ topic: 'channel.tips', room: ROOM }]);
  });

  it('refuses a token upgrade with 502', async () => {
    const e = await start();
    const token = await tokenOf(e);
    e.faults.set({ tokenUpgrade: { status: 502 } });
    expect((await refusedUpgrade(withToken(e, token))).status).toBe(502);
    expect(e.stats.upgradesRefused502).toBe(1);
  });

  it('rejects invalid switch values with a TypeError', async () => {
    const e = await start();
    expect(() => e.faults.set({ authLatencyMs: [-1, 5] })).toThrow(TypeError);
    await expect(startEmulator({ snapshot: 'never' as 'tokenUse' })).rejects.toThrow(TypeError);
  });
});
