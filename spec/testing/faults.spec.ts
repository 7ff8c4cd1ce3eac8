import { EMULATOR_CLOSE_CODES, startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import { closeAllClients, connect, connectWelcomed, sleep, subscribe, type RawClient } from './rawClient';

const ROOM = '603abc123';
let emulator: Emulator | undefined;

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emulator = await startEmulator({ pingIntervalMs: 60_000, ...options });
  return emulator;
}

async function client(e: Emulator): Promise<{ c: RawClient; id: string }> {
  const { client: c, welcome } = await connectWelcomed(e.url);
  return { c, id: welcome.data.client_id as string };
}

afterEach(async () => {
  closeAllClients();
  await emulator?.close();
  emulator = undefined;
});

describe('faults.dropAll / drop', () => {
  it('dropAll terminates every connection abruptly, without a close or reconnect frame', async () => {
    const e = await start();
    const [a, b] = await Promise.all([client(e), client(e)]);
    e.faults.dropAll();
    const [ca, cb] = await Promise.all([a?.c.closed, b?.c.closed]);
    expect(ca?.code).toBe(1006);
    expect(cb?.code).toBe(1006);
    expect(a?.c.received.map((r) => r.frame?.type)).toEqual(['welcome']);
    expect(e.connections()).toEqual([]);
  });

  it('drop terminates only the named connection', async () => {
    const e = await start();
    const a = await client(e);
    const b = await client(e);
    e.faults.drop(a.id);
    expect((await a.c.closed).code).toBe(1006);
    expect(b.c.ws.readyState).toBe(b.c.ws.OPEN);
    expect(e.connections().map((c) => c.clientId)).toEqual([b.id]);
    expect(() => e.faults.drop('unknown')).not.toThrow();
  });
});

describe('faults.sendRaw', () => {
  it('sends text as it is to one connection', async () => {
    const e = await start();
    const a = await client(e);
    const b = await client(e);
    e.faults.sendRaw('{not json', a.id);
    const raw = await a.c.nextRaw();
    expect(raw).toEqual(expect.objectContaining({ isBinary: false, text: '{not json' }));
    await b.c.expectSilence(60);
  });

  it('sends frames with unknown types or missing fields to every connection', async () => {
    const e = await start();
    const [a, b] = await Promise.all([client(e), client(e)]);
    e.faults.sendRaw('{"type":"surprise","data":{}}');
    e.faults.sendRaw('{"type":"message"}');
    for (const x of [a, b]) {
      expect((await x.c.nextRaw()).text).toBe('{"type":"surprise","data":{}}');
      expect((await x.c.nextRaw()).text).toBe('{"type":"message"}');
    }
  });

  it('sends a Buffer as a binary frame', async () => {
    const e = await start();
    const a = await client(e);
    e.faults.sendRaw(Buffer.from([1, 2, 3]), a.id);
    const raw = await a.c.nextRaw();
    expect(raw.isBinary).toBe(true);
    expect([...raw.raw]).toEqual([1, 2, 3]);
  });
});

describe('faults.silence', () => {
  it('stops frames, pings and answers without closing, and without the pong timeout', async () => {
    const e = await start({ pingIntervalMs: 20, pongTimeoutMs: 80 });
    const a = await client(e);
    await a.c.command(subscribe('s', 'channel.tips', ROOM, e.issueToken({ channel: ROOM }), 'jwt'));
    let pings = 0;
    a.c.ws.on('ping', () => pings++);
    let pongs = 0;
    a.c.ws.on('pong', () => pongs++);
    e.faults.silence(true, a.id);
    expect(e.connections()[0]?.silenced).toBe(true);
    expect(e.publish('channel.tips', ROOM, {}).delivered).toBe(0);
    a.c.send({ type: 'ping', nonce: 'x' });
    a.c.ws.ping();
    await sleep(200);
    expect(pings).toBe(0);
    expect(pongs).toBe(0);
    expect(a.c.received).toHaveLength(2); // welcome and the subscribe response
    expect(a.c.ws.readyState).toBe(a.c.ws.OPEN);
    expect(e.stats.terminatedNoPong).toBe(0);

    e.faults.silence(false, a.id);
    const { id } = e.publish('channel.tips', ROOM, {});
    expect((await a.c.next((f) => f.type === 'message')).id).toBe(id);
    const response = await a.c.command({ type: 'ping', nonce: 'y' });
    expect(response.error).toBe('invalid_message_type');
    await sleep(60);
    expect(pings).toBeGreaterThan(0);
  });

  it('silences every current connection when no client id is given, but not later ones', async () => {
    const e = await start();
    const a = await client(e);
    e.faults.silence(true);
    const b = await client(e);
    e.faults.sendRaw('', undefined);
    a.c.send('garbage');
    b.c.send('garbage');
    expect((await b.c.nextRaw()).text).toBe('');
    expect((await b.c.next()).error).toBe('err_bad_request');
    expect((await a.c.nextRaw()).text).toBe(''); // sendRaw ignores silence
    await a.c.expectSilence(60);
  });
});

describe('faults.failNextCommands', () => {
  it.each(['err_deadline_exceeded', 'err_internal_error'] as const)('fails the next subscribes with %s and the nonce', async (code) => {
    const e = await start();
    const a = await client(e);
    const token = e.issueToken({ channel: ROOM });
    e.faults.failNextCommands(code, 2);
    const first = await a.c.command(subscribe('1', 'channel.tips', ROOM, token, 'jwt'));
    const second = await a.c.command(subscribe('2', 'channel.tips', ROOM, token, 'jwt'));
    const third = await a.c.command(subscribe('3', 'channel.tips', ROOM, token, 'jwt'));
    expect(first).toMatchObject({ nonce: '1', error: code, data: { message: expect.any(String) } });
    expect(second).toMatchObject({ nonce: '2', error: code });
    expect(third.error).toBeUndefined();
    expect(e.subscriptionCount()).toBe(1);
  });

  it('fails the next subscribe with a nonce-less rate_limit_exceeded and drops it', async () => {
    const e = await start();
    const a = await client(e);
    e.faults.failNextCommands('rate_limit_exceeded');
    a.c.send(subscribe('1', 'channel.tips', ROOM, e.issueToken({ channel: ROOM }), 'jwt'));
    const response = await a.c.next();
    expect(response.error).toBe('rate_limit_exceeded');
    expect(response).not.toHaveProperty('nonce');
    await a.c.expectSilence(60);
    expect(e.subscriptionCount()).toBe(0);
    expect(e.stats.rateLimited).toBe(1);
  });

  it('leaves unsubscribes and malformed subscribes alone', async () => {
    const e = await start();
    const a = await client(e);
    e.faults.failNextCommands('err_internal_error', 1);
    expect((await a.c.command({ type: 'unsubscribe', nonce: 'u', data: { topic: 'channel.tips' } })).error).toBeUndefined();
    expect((await a.c.command({ type: 'subscribe', nonce: 'm', data: { topic: 'nope' } })).error).toBe('err_bad_request');
    expect((await a.c.command(subscribe('s', 'channel.tips', ROOM, 't', 'jwt'))).error).toBe('err_internal_error');
  });
});

describe('faults.rejectNextReconnects', () => {
  it('closes a valid token upgrade at once with a 4xxx code and no welcome', async () => {
    const e = await start({ drainGraceMs: 1000 });
    const a = await client(e);
    await a.c.command(subscribe('s', 'channel.tips', ROOM, e.issueToken({ channel: ROOM }), 'jwt'));
    void e.drain();
    const token = (await a.c.next((f) => f.type === 'reconnect')).data.reconnect_token as string;
    e.faults.rejectNextReconnects();
    const rejected = await connect(`${e.url}/?reconnect_token=${encodeURIComponent(token)}`);
    expect((await rejected.closed).code).toBe(EMULATOR_CLOSE_CODES.reconnectRejected);
    expect(rejected.received).toEqual([]);
    expect(e.stats.reconnectsRejected).toBe(1);
    // the fault did not burn the token
    const accepted = await connect(`${e.url}/?reconnect_token=${encodeURIComponent(token)}`);
    expect((await accepted.next()).type).toBe('welcome');
  });
});
