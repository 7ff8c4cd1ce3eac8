import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import { closeAllClients, connectWelcomed, sleep } from './rawClient';

let emulator: Emulator | undefined;

async function start(options: EmulatorOptions): Promise<Emulator> {
  emulator = await startEmulator(options);
  return emulator;
}

afterEach(async () => {
  closeAllClients();
  await emulator?.close();
  emulator = undefined;
});

describe('heartbeat', () => {
  it('sends PING control frames every pingIntervalMs', async () => {
    const e = await start({ pingIntervalMs: 30, pongTimeoutMs: 1000 });
    const { client } = await connectWelcomed(e.url);
    let pings = 0;
    client.ws.on('ping', () => pings++);
    await sleep(200);
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(pings).toBeLessThanOrEqual(8);
    expect(e.stats.pingsSent).toBeGreaterThanOrEqual(pings);
    // pings are control frames, never JSON messages
    expect(client.received).toHaveLength(1);
  });

  it('terminates a connection that does not answer pings within pongTimeoutMs', async () => {
    const e = await start({ pingIntervalMs: 20, pongTimeoutMs: 100 });
    const openedAt = Date.now();
    const { client } = await connectWelcomed(e.url, { autoPong: false });
    let pings = 0;
    client.ws.on('ping', () => pings++);
    const closed = await client.closed;
    const lifetime = Date.now() - openedAt;
    expect(closed.code).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(lifetime).toBeGreaterThanOrEqual(90);
    expect(lifetime).toBeLessThan(1000);
    expect(e.stats.terminatedNoPong).toBe(1);
    expect(client.received.map((r) => r.frame?.type)).toEqual(['welcome']);
  });

  it('keeps a connection that answers pings', async () => {
    const e = await start({ pingIntervalMs: 20, pongTimeoutMs: 100 });
    const { client } = await connectWelcomed(e.url);
    await sleep(300);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect(e.connections()).toHaveLength(1);
    expect(e.stats.terminatedNoPong).toBe(0);
  });

  it('answers a client PING with a PONG', async () => {
    const e = await start({ pingIntervalMs: 60_000 });
    const { client } = await connectWelcomed(e.url);
    const pong = new Promise<string>((resolve) => client.ws.once('pong', (data) => resolve(data.toString())));
    client.ws.ping('hello');
    expect(await pong).toBe('hello');
  });

  it('sends no pings when pingIntervalMs is Infinity', async () => {
    const e = await start({ pingIntervalMs: Infinity, pongTimeoutMs: Infinity });
    const { client } = await connectWelcomed(e.url, { autoPong: false });
    await sleep(50);
    expect(e.stats.pingsSent).toBe(0);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('sets no pong deadline when pings are off', async () => {
    const e = await start({ pingIntervalMs: Infinity, pongTimeoutMs: 30 });
    const { client } = await connectWelcomed(e.url, { autoPong: false });
    await sleep(100);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect(e.stats.terminatedNoPong).toBe(0);
  });
});
