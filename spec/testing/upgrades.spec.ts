import * as net from 'node:net';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import { closeAllClients, connect, connectWelcomed, refusedUpgrade, sleep } from './rawClient';

const emulators: Emulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator({ pingIntervalMs: 60_000, ...options });
  emulators.push(e);
  return e;
}

afterEach(async () => {
  closeAllClients();
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

describe('connection rate limit', () => {
  it('refuses upgrades over the limit with 429 and Retry-After, until the window slides', async () => {
    const e = await start({ connectionRateLimit: { max: 2, windowMs: 200, retryAfterSeconds: 3 } });
    await connectWelcomed(e.url);
    await connectWelcomed(e.url);
    const refused = await refusedUpgrade(e.url);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('3');
    expect(e.stats.upgradesRefused429).toBe(1);
    await sleep(230);
    const { welcome } = await connectWelcomed(e.url);
    expect(welcome.type).toBe('welcome');
  });

  it('sends Retry-After: 2 by default', async () => {
    const e = await start({ connectionRateLimit: { max: 1, windowMs: 10_000 } });
    await connectWelcomed(e.url);
    const refused = await refusedUpgrade(e.url);
    expect(refused).toEqual(expect.objectContaining({ status: 429 }));
    expect(refused.headers['retry-after']).toBe('2');
  });

  it('does not limit connections by default', async () => {
    const e = await start();
    await Promise.all(Array.from({ length: 20 }, () => connectWelcomed(e.url)));
    expect(e.stats.connectionsOpened).toBe(20);
  });
});

describe('faults.refuseUpgrades', () => {
  it('refuses the next upgrades with 429 and Retry-After, then accepts again', async () => {
    const e = await start();
    e.faults.refuseUpgrades(429, 2);
    for (let i = 0; i < 2; i++) {
      const refused = await refusedUpgrade(e.url);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('2');
    }
    expect((await connectWelcomed(e.url)).welcome.type).toBe('welcome');
    expect(e.stats.upgradesRefused429).toBe(2);
  });

  it('refuses with 502 on demand', async () => {
    const e = await start();
    e.faults.refuseUpgrades(502, 1);
    const refused = await refusedUpgrade(e.url);
    expect(refused.status).toBe(502);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(e.stats.upgradesRefused502).toBe(1);
    await connectWelcomed(e.url);
  });

  it('refuses token upgrades too', async () => {
    const e = await start();
    e.faults.refuseUpgrades(502, 1);
    expect((await refusedUpgrade(`${e.url}/?reconnect_token=abc`)).status).toBe(502);
  });

  it('rejects an invalid status', async () => {
    const e = await start();
    expect(() => e.faults.refuseUpgrades(500 as 502, 1)).toThrow(TypeError);
  });
});

describe('close', () => {
  it('terminates the connections and frees the port', async () => {
    const e = await startEmulator();
    const port = Number(new URL(e.url).port);
    const { client } = await connectWelcomed(e.url);
    await e.close();
    expect((await client.closed).code).toBe(1006);
    await expect(connect(e.url)).rejects.toThrow(/ECONNREFUSED/);
    const again = await start({ port });
    expect(again.url).toBe(e.url);
    expect((await connectWelcomed(again.url)).welcome.type).toBe('welcome');
  });

  it('is idempotent and leaves publish harmless', async () => {
    const e = await startEmulator();
    await Promise.all([e.close(), e.close()]);
    await e.close();
    expect(e.publish('channel.tips', 'r', {}).delivered).toBe(0);
    await e.drain();
  });

  it('closes while a drain waits for its grace period', async () => {
    const e = await startEmulator({ drainGraceMs: 60_000 });
    await connectWelcomed(e.url);
    const drained = e.drain();
    await e.close();
    await drained;
  });

  it('frees the port even with an idle keep-alive HTTP connection', async () => {
    const e = await startEmulator({ httpApi: true });
    const socket = net.connect(Number(new URL(e.httpUrl).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /stats HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    await e.close();
    socket.destroy();
  });
});
