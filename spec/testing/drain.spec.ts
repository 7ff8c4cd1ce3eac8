import { EMULATOR_CLOSE_CODES, RECONNECT_MESSAGE, startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import { isUlid } from '../../lib/testing/ulid';
import { closeAllClients, connect, connectWelcomed, refusedUpgrade, sleep, subscribe, type Frame, type RawClient } from './rawClient';

const ROOM = '603abc123';
const emulators: Emulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator({ pingIntervalMs: 60_000, drainGraceMs: 150, ...options });
  emulators.push(e);
  return e;
}

afterEach(async () => {
  closeAllClients();
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

/** One client subscribed to two topics, and the reconnect frame a drain sends it. */
async function drained(options: EmulatorOptions = {}): Promise<{ e: Emulator; old: RawClient; reconnect: Frame; done: Promise<void> }> {
  const e = await start(options);
  const { client: old } = await connectWelcomed(e.url);
  const token = e.issueToken({ channel: ROOM });
  await old.command(subscribe('s1', 'channel.tips', ROOM, token, 'jwt'));
  await old.command(subscribe('s2', 'channel.activities', ROOM, token, 'jwt'));
  const done = e.drain();
  const reconnect = await old.next((f) => f.type === 'reconnect');
  return { e, old, reconnect, done };
}

const withToken = (e: Emulator, token: string): string => `${e.url}/?reconnect_token=${encodeURIComponent(token)}`;

describe('drain', () => {
  it('sends every connection a reconnect frame with a JWS-shaped token', async () => {
    const { e, reconnect } = await drained();
    expect(reconnect).toEqual({
      id: expect.any(String),
      ts: expect.any(String),
      type: 'reconnect',
      data: { message: RECONNECT_MESSAGE, reconnect_token: expect.stringMatching(/^eyJhbGciOiJIUzI1NiIs[\w-]*\.[\w-]+\.[\w-]+$/) },
    });
    expect(isUlid(reconnect.id)).toBe(true);
    expect(e.connections()).toEqual([expect.objectContaining({ draining: true })]);
    expect(e.subscriptionCount()).toBe(0);
  });

  it('gives each connection its own token', async () => {
    const e = await start();
    const [a, b] = await Promise.all([connectWelcomed(e.url), connectWelcomed(e.url)]);
    void e.drain();
    const [ra, rb] = await Promise.all([a.client.next(), b.client.next()]);
    expect(ra.type).toBe('reconnect');
    expect(rb.type).toBe('reconnect');
    expect(ra.data.reconnect_token).not.toBe(rb.data.reconnect_token);
  });

  it('refuses a fresh upgrade with 502 while draining', async () => {
    const { e } = await drained();
    const refused = await refusedUpgrade(e.url);
    expect(refused.status).toBe(502);
    expect(e.stats.upgradesRefused502).toBe(1);
  });

  it('restores the subscriptions on a token upgrade, then welcomes it', async () => {
    const { e, reconnect } = await drained();
    const fresh = await connect(withToken(e, reconnect.data.reconnect_token));
    const first = await fresh.next();
    expect(first.type).toBe('welcome');
    expect(fresh.received).toHaveLength(1);
    const restored = e.connections().find((c) => c.clientId === first.data.client_id);
    expect(restored).toEqual(
      expect.objectContaining({
        restored: true,
        draining: false,
        subscriptions: expect.arrayContaining([
          { topic: 'channel.tips', room: ROOM },
          { topic: 'channel.activities', room: ROOM },
        ]),
      }),
    );
    expect(e.subscriptionCount()).toBe(2);
    expect(e.stats.reconnectsAccepted).toBe(1);
  });

  it('delivers a publish to both the old and the restored connection during the grace period, with one id', async () => {
    const { e, old, reconnect } = await drained();
    const fresh = await connect(withToken(e, reconnect.data.reconnect_token));
    await fresh.next();
    const { id, delivered } = e.publish('channel.tips', ROOM, { n: 1 });
    expect(delivered).toBe(2);
    expect((await old.next()).id).toBe(id);
    expect((await fresh.next()).id).toBe(id);
  });

  it('closes the old connections with 1001 after the grace period, then accepts fresh upgrades again', async () => {
    const startedAt = Date.now();
    const { e, old, done } = await drained({ drainGraceMs: 120 });
    expect((await refusedUpgrade(e.url)).status).toBe(502);
    const closed = await old.closed;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(110);
    expect(closed.code).toBe(EMULATOR_CLOSE_CODES.goingAway);
    await done;
    expect(e.connections()).toEqual([]);
    const { welcome } = await connectWelcomed(e.url);
    expect(welcome.type).toBe('welcome');
  });

  it('returns the same promise when called again during a drain', async () => {
    const e = await start();
    const first = e.drain();
    expect(e.drain()).toBe(first);
    await first;
  });

  it('keeps a restored connection open after the drain ends', async () => {
    const { e, reconnect, done } = await drained({ drainGraceMs: 50 });
    const fresh = await connect(withToken(e, reconnect.data.reconnect_token));
    await fresh.next();
    await done;
    expect(e.publish('channel.activities', ROOM, {}).delivered).toBe(1);
    expect((await fresh.next()).type).toBe('message');
  });

  it('keeps many subscriptions itself, so that the reconnect URL stays short', async () => {
    const e = await start({ rateLimit: { burst: 1000, intervalMs: 1 } });
    const { client: old } = await connectWelcomed(e.url);
    const token = e.issueToken({ channel: '*' });
    const rooms = Array.from({ length: 400 }, (_, i) => `room-${i}-${'x'.repeat(20)}`);
    for (const [i, room] of rooms.entries()) await old.command(subscribe(`s${i}`, 'channel.tips', room, token, 'jwt'));
    void e.drain();
    const reconnect = await old.next((f) => f.type === 'reconnect');
    const url = withToken(e, String(reconnect.data.reconnect_token));
    expect(url.length).toBeLessThan(1000);
    const { client: fresh } = await connectWelcomed(url);
    expect(e.subscriptionCount('channel.tips')).toBe(rooms.length);
    fresh.close();
  });

  it('lets another node with the same secret take the token', async () => {
    const { reconnect } = await drained({ secret: 'cluster-secret' });
    const other = await start({ secret: 'cluster-secret' });
    const fresh = await connect(withToken(other, reconnect.data.reconnect_token));
    expect((await fresh.next()).type).toBe('welcome');
    expect(other.subscriptionCount('channel.tips', ROOM)).toBe(1);
  });
});

describe('drain: rejected reconnect tokens', () => {
  async function expectRejected(e: Emulator, url: string): Promise<void> {
    const client = await connect(url);
    const closed = await client.closed;
    expect(closed.code).toBe(EMULATOR_CLOSE_CODES.reconnectRejected);
    expect(closed.code).toBeGreaterThanOrEqual(4000);
    expect(client.received).toEqual([]);
    expect(e.stats.reconnectsRejected).toBeGreaterThanOrEqual(1);
  }

  it('rejects a token used a second time', async () => {
    const { e, reconnect } = await drained();
    const first = await connect(withToken(e, reconnect.data.reconnect_token));
    expect((await first.next()).type).toBe('welcome');
    await expectRejected(e, withToken(e, reconnect.data.reconnect_token));
    expect(e.stats.reconnectsAccepted).toBe(1);
  });

  it('rejects a tampered token without naming it in the close reason', async () => {
    const { e, reconnect } = await drained();
    const token: string = reconnect.data.reconnect_token;
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p as string, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = [h, Buffer.from(JSON.stringify({ ...claims, subs: [['channel.tips', 'victim']] })).toString('base64url'), s].join('.');
    const client = await connect(withToken(e, forged));
    const closed = await client.closed;
    expect(closed.code).toBe(EMULATOR_CLOSE_CODES.reconnectRejected);
    expect(closed.reason).not.toContain(forged);
    expect(closed.reason).not.toContain(token);
    expect(client.received).toEqual([]);
  });

  it('rejects an expired token', async () => {
    const { e, reconnect } = await drained({ reconnectTokenTtlMs: 30 });
    await sleep(60);
    await expectRejected(e, withToken(e, reconnect.data.reconnect_token));
  });

  it('rejects a subscribe token used as a reconnect token', async () => {
    const e = await start();
    await expectRejected(e, withToken(e, e.issueToken({ channel: ROOM })));
  });

  it('rejects an empty or garbage token, even while not draining', async () => {
    const e = await start();
    await expectRejected(e, withToken(e, 'garbage'));
    await expectRejected(e, `${e.url}/?reconnect_token=`);
    expect(e.stats.reconnectsRejected).toBe(2);
    expect(e.stats.connectionsOpened).toBe(0);
  });
});
