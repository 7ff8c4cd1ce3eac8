import { startEmulator, type Emulator } from '../../lib/testing';
import { closeAllClients, connectWelcomed, subscribe } from './rawClient';

const ROOM = '603abc123';
let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ httpApi: true, pingIntervalMs: 60_000, drainGraceMs: 50, maxPayloadBytes: 4096 });
});

afterEach(async () => {
  closeAllClients();
  await emulator.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${emulator.httpUrl}${path}`, {
    method,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe('HTTP API', () => {
  it('POST /token issues a token the gateway accepts', async () => {
    const { status, json } = await call('POST', '/token', { channel: ROOM, scopes: ['tips:read'], type: 'apikey' });
    expect(status).toBe(200);
    expect(json).toEqual({ token: expect.stringMatching(/^apikey_/) });
    const { client } = await connectWelcomed(emulator.url);
    const ok = await client.command(subscribe('t', 'channel.tips', ROOM, json['token'] as string, 'apikey'));
    expect(ok.error).toBeUndefined();
    const denied = await client.command(subscribe('t2', 'channel.activities', ROOM, json['token'] as string, 'apikey'));
    expect(denied.error).toBe('err_unauthorized');
  });

  it('POST /publish delivers to subscribers and answers { id, delivered }', async () => {
    const { client } = await connectWelcomed(emulator.url);
    await client.command(subscribe('s', 'channel.tips', ROOM, emulator.issueToken({ channel: ROOM }), 'jwt'));
    const data = { donation: { amount: 3, currency: 'EUR' } };
    const { status, json } = await call('POST', '/publish', { topic: 'channel.tips', room: ROOM, data });
    expect(status).toBe(200);
    expect(json).toEqual({ id: expect.any(String), delivered: 1 });
    const message = await client.next((f) => f.type === 'message');
    expect(message).toMatchObject({ id: json['id'], topic: 'channel.tips', room: ROOM, data });
  });

  it('POST /drain answers 202 and starts a drain', async () => {
    const { client } = await connectWelcomed(emulator.url);
    const { status } = await call('POST', '/drain');
    expect(status).toBe(202);
    expect((await client.next()).type).toBe('reconnect');
    expect((await client.closed).code).toBe(1001);
  });

  it('GET /stats returns the counters', async () => {
    await connectWelcomed(emulator.url);
    const { status, json } = await call('GET', '/stats');
    expect(status).toBe(200);
    expect(json).toEqual({
      connectionsOpened: 1,
      commandsReceived: 0,
      subscribes: 0,
      unsubscribes: 0,
      rateLimited: 0,
      upgradesRefused429: 0,
      upgradesRefused502: 0,
      reconnectsAccepted: 0,
      reconnectsRejected: 0,
      messagesDelivered: 0,
      pingsSent: 0,
      terminatedNoPong: 0,
    });
  });

  it('GET /connections lists the live connections', async () => {
    const { welcome } = await connectWelcomed(emulator.url);
    const res = await fetch(`${emulator.httpUrl}/connections`);
    expect(await res.json()).toEqual([expect.objectContaining({ clientId: welcome.data.client_id, subscriptions: [] })]);
  });

  it.each([
    ['bad JSON', '/publish', '{"topic":'],
    ['a body that is not an object', '/publish', '[1]'],
    ['a missing topic', '/publish', { room: ROOM }],
    ['a numeric room', '/publish', { topic: 'channel.tips', room: 1 }],
    ['a missing channel', '/token', { scopes: ['*'] }],
    ['an unknown token type', '/token', { channel: ROOM, type: 'cookie' }],
  ])('answers 400 with a message to %s', async (_name, path, body) => {
    const { status, json } = await call('POST', path, body);
    expect(status).toBe(400);
    expect(json).toEqual({ error: 'bad_request', message: expect.any(String) });
  });

  it('answers 413 to a body over maxPayloadBytes', async () => {
    const { status } = await call('POST', '/publish', { topic: 'channel.tips', data: 'x'.repeat(5000) });
    expect(status).toBe(413);
  });

  it('answers 404 to an unknown path and 405 to a wrong method', async () => {
    expect((await call('GET', '/nope')).status).toBe(404);
    const wrong = await call('GET', '/publish');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('still serves WebSocket upgrades on the same port', async () => {
    const { welcome } = await connectWelcomed(emulator.url);
    expect(welcome.type).toBe('welcome');
  });
});

describe('httpApiHandler', () => {
  it('answers 403 to a client that is not on loopback', async () => {
    const { httpApiHandler } = await import('../../lib/testing/httpApi');
    const publish = jest.fn();
    const handler = httpApiHandler(
      { publish, issueToken: jest.fn(), drain: jest.fn(), stats: {} as never, connections: jest.fn() },
      { maxBodyBytes: 1024 },
    );
    let status = 0;
    let body = '';
    const res = {
      headersSent: false,
      setHeader: jest.fn(),
      writeHead: (s: number) => (status = s),
      end: (b: string) => (body = b),
    };
    handler({ socket: { remoteAddress: '10.1.2.3' }, url: '/publish', method: 'POST' } as never, res as never);
    expect(status).toBe(403);
    expect(JSON.parse(body)).toEqual({ error: 'forbidden', message: expect.any(String) });
    expect(publish).not.toHaveBeenCalled();
  });
});
