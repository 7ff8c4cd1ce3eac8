import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import { isUlid, ulidTime } from '../../lib/testing/ulid';
import { closeAllClients, connect, connectWelcomed, subscribe, type Frame, type RawClient } from './rawClient';

const ROOM = '603abc123';
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let emulator: Emulator | undefined;

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emulator = await startEmulator({ pingIntervalMs: 60_000, ...options });
  return emulator;
}

async function welcomed(e: Emulator): Promise<RawClient> {
  return (await connectWelcomed(e.url)).client;
}

afterEach(async () => {
  closeAllClients();
  await emulator?.close();
  emulator = undefined;
});

describe('startEmulator: welcome and frame envelope', () => {
  it('sends a welcome with a ULID client_id as the first frame', async () => {
    const e = await start();
    expect(e.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(e.httpUrl).toBe(e.url.replace('ws://', 'http://'));
    const client = await connect(e.url);
    const first = await client.nextRaw();
    expect(first.isBinary).toBe(false);
    const welcome = first.frame as Frame;
    expect(welcome).toEqual({
      id: expect.any(String),
      ts: expect.stringMatching(RFC3339_UTC),
      type: 'welcome',
      data: { message: expect.any(String), client_id: expect.any(String) },
    });
    expect(isUlid(welcome.id)).toBe(true);
    expect(isUlid(welcome.data.client_id)).toBe(true);
    expect(e.connections()).toEqual([
      { clientId: welcome.data.client_id, subscriptions: [], restored: false, commandsReceived: 0, draining: false, silenced: false },
    ]);
    expect(e.stats.connectionsOpened).toBe(1);
  });

  it('stamps every frame with a fresh, increasing ULID and an RFC 3339 UTC time', async () => {
    const e = await start();
    const client = await welcomed(e);
    const token = e.issueToken({ channel: ROOM });
    await client.command(subscribe('n1', 'channel.tips', ROOM, token, 'jwt'));
    await client.command({ type: 'nope', nonce: 'n2' });
    e.publish('channel.tips', ROOM, { donation: { amount: 1, currency: 'USD' } });
    await client.next((f) => f.type === 'message');
    const frames = client.received.map((r) => r.frame as Frame);
    expect(frames.map((f) => f.type)).toEqual(['welcome', 'response', 'response', 'message']);
    for (const f of frames) {
      expect(isUlid(f.id)).toBe(true);
      expect(f.ts).toMatch(RFC3339_UTC);
      // ts is the ULID's own time, truncated to the second
      expect(Date.parse(f.ts as string)).toBe(Math.floor(ulidTime(f.id as string) / 1000) * 1000);
    }
    const ids = frames.map((f) => f.id as string);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers a plain HTTP request with 426 when the HTTP API is off', async () => {
    const e = await start();
    const res = await fetch(`${e.httpUrl}/stats`);
    expect(res.status).toBe(426);
    await res.text();
  });

  it('rejects a non-loopback host', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(TypeError);
  });
});

describe('subscribe', () => {
  it('succeeds with the nonce echoed and the canonical room', async () => {
    const e = await start();
    const client = await welcomed(e);
    const response = await client.command(subscribe('req-001', 'channel.activities', ROOM, e.issueToken({ channel: ROOM }), 'jwt'));
    expect(response).toEqual({
      id: expect.any(String),
      ts: expect.any(String),
      type: 'response',
      nonce: 'req-001',
      data: { message: 'successfully subscribed to topic', topic: 'channel.activities', room: ROOM },
    });
    expect(response).not.toHaveProperty('error');
    expect(e.subscriptionCount('channel.activities', ROOM)).toBe(1);
    expect(e.connections()[0]?.subscriptions).toEqual([{ topic: 'channel.activities', room: ROOM }]);
    expect(e.stats.subscribes).toBe(1);
  });

  it('returns the alias target as the room and uses it on message frames', async () => {
    const e = await start({ roomAliases: { streamer: ROOM } });
    const client = await welcomed(e);
    const token = e.issueToken({ channel: ROOM, scopes: ['activities:read'] });
    const response = await client.command(subscribe('a1', 'channel.activities', 'streamer', token, 'jwt'));
    expect(response.error).toBeUndefined();
    expect(response.data.room).toBe(ROOM);
    expect(e.subscriptionCount('channel.activities', 'streamer')).toBe(1);
    const published = e.publish('channel.activities', 'streamer', { type: 'follow', provider: 'twitch' });
    expect(published.delivered).toBe(1);
    const message = await client.next((f) => f.type === 'message');
    expect(message).toEqual({
      id: published.id,
      ts: expect.any(String),
      type: 'message',
      topic: 'channel.activities',
      room: ROOM,
      data: { type: 'follow', provider: 'twitch' },
    });
    expect(e.publish('channel.activities', ROOM, {}).delivered).toBe(1);
  });

  it('treats a second subscribe to the same topic and room as a successful no-op', async () => {
    const e = await start();
    const client = await welcomed(e);
    const token = e.issueToken({ channel: ROOM });
    await client.command(subscribe('s1', 'channel.tips', ROOM, token, 'jwt'));
    const again = await client.command(subscribe('s2', 'channel.tips', ROOM, token, 'jwt'));
    expect(again.error).toBeUndefined();
    expect(again.data).toEqual({ message: 'successfully subscribed to topic', topic: 'channel.tips', room: ROOM });
    expect(e.subscriptionCount()).toBe(1);
    expect(e.publish('channel.tips', ROOM, {}).delivered).toBe(1);
  });

  it('subscribes to the global room "" when the room is omitted', async () => {
    const e = await start();
    const client = await welcomed(e);
    const response = await client.command(subscribe('g1', 'channel.tips', undefined, e.issueToken({ channel: ROOM }), 'jwt'));
    expect(response.error).toBeUndefined();
    expect(response.data.room).toBe('');
    expect(e.subscriptionCount('channel.tips', '')).toBe(1);
  });

  it('lets a token for channel "*" subscribe to any room', async () => {
    const e = await start();
    const client = await welcomed(e);
    const token = e.issueToken({ channel: '*' });
    expect((await client.command(subscribe('r1', 'channel.tips', 'room-a', token, 'jwt'))).error).toBeUndefined();
    expect((await client.command(subscribe('r2', 'channel.tips', 'room-b', token, 'jwt'))).error).toBeUndefined();
    expect(e.subscriptionCount('channel.tips')).toBe(2);
  });

  it('accepts any token for a topic without a documented scope', async () => {
    const e = await start();
    const client = await welcomed(e);
    const token = e.issueToken({ channel: ROOM, scopes: [] });
    const response = await client.command(subscribe('c1', 'channel.chatbot.counters', ROOM, token, 'jwt'));
    expect(response.error).toBeUndefined();
  });

  it.each([
    ['oauth2', 'oauth2'],
    ['oauth2', 'oauth'],
    ['apikey', 'apikey'],
    ['jwt', undefined],
  ] as const)('accepts a %s token sent with token_type %s', async (type, tokenType) => {
    const e = await start();
    const client = await welcomed(e);
    const token = e.issueToken({ channel: ROOM, type });
    if (type !== 'jwt') expect(token.split('.')).toHaveLength(2);
    else expect(token.split('.')).toHaveLength(3);
    const response = await client.command(subscribe('t1', 'channel.activities', ROOM, token, tokenType));
    expect(response.error).toBeUndefined();
  });
});

describe('subscribe: err_unauthorized', () => {
  const tamper = (token: string): string => {
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p as string, 'base64url').toString('utf8')) as Record<string, unknown>;
    return [h, Buffer.from(JSON.stringify({ ...claims, channel: '*' })).toString('base64url'), s].join('.');
  };

  const cases: [string, (e: Emulator) => Promise<{ token: string; topic?: string; room?: string; tokenType?: string }>][] = [
    ['an unknown token', async () => ({ token: 'not-a-token-we-ever-issued' })],
    ['a tampered token', async (e) => ({ token: tamper(e.issueToken({ channel: 'someone-else' })) })],
    ['a token signed by another secret', async () => {
      const other = await startEmulator({ secret: 'other-secret' });
      const token = other.issueToken({ channel: ROOM });
      await other.close();
      return { token };
    }],
    ['an expired token', async (e) => ({ token: e.issueToken({ channel: ROOM, expiresInMs: -1 }) })],
    ['a token without the topic scope', async (e) => ({ token: e.issueToken({ channel: ROOM, scopes: ['tips:read'] }) })],
    ['a token for another room', async (e) => ({ token: e.issueToken({ channel: 'another-room' }) })],
    ['a jwt sent as apikey', async (e) => ({ token: e.issueToken({ channel: ROOM }), tokenType: 'apikey' })],
    ['an apikey sent as jwt', async (e) => ({ token: e.issueToken({ channel: ROOM, type: 'apikey' }), tokenType: 'jwt' })],
    ['an oauth2 token sent as jwt', async (e) => ({ token: e.issueToken({ channel: ROOM, type: 'oauth2' }), tokenType: 'jwt' })],
  ];

  it.each(cases)('rejects %s without echoing the token', async (_name, make) => {
    const e = await start();
    const client = await welcomed(e);
    const { token, topic = 'channel.activities', room = ROOM, tokenType = 'jwt' } = await make(e);
    const response = await client.command(subscribe('u1', topic, room, token, tokenType));
    expect(response).toEqual({
      id: expect.any(String),
      ts: expect.any(String),
      type: 'response',
      nonce: 'u1',
      error: 'err_unauthorized',
      data: { message: expect.any(String) },
    });
    expect(response.data.message.length).toBeGreaterThan(5);
    expect(JSON.stringify(response)).not.toContain(token);
    expect(e.subscriptionCount()).toBe(0);
  });

  it('rejects a room outside the token channel after resolving aliases', async () => {
    const e = await start({ roomAliases: { streamer: 'canonical-other' } });
    const client = await welcomed(e);
    const response = await client.command(subscribe('u2', 'channel.tips', 'streamer', e.issueToken({ channel: ROOM }), 'jwt'));
    expect(response.error).toBe('err_unauthorized');
  });

  it('never puts the token in the message, even when the token is also the room', async () => {
    const e = await start();
    const client = await welcomed(e);
    const token = e.issueToken({ channel: ROOM });
    const response = await client.command(subscribe('u3', 'channel.tips', token, token, 'jwt'));
    expect(response.error).toBe('err_unauthorized');
    expect(JSON.stringify(response)).not.toContain(token);
  });
});

describe('malformed commands', () => {
  const good = { topic: 'channel.tips', room: ROOM, token: 'x', token_type: 'jwt' };
  it.each([
    ['no data', { type: 'subscribe', nonce: 'b1' }],
    ['data that is not an object', { type: 'subscribe', nonce: 'b1', data: 'channel.tips' }],
    ['no topic', { type: 'subscribe', nonce: 'b1', data: { ...good, topic: undefined } }],
    ['an empty topic', { type: 'subscribe', nonce: 'b1', data: { ...good, topic: '' } }],
    ['an unknown topic', { type: 'subscribe', nonce: 'b1', data: { ...good, topic: 'channel.follow' } }],
    ['a numeric room', { type: 'subscribe', nonce: 'b1', data: { ...good, room: 42 } }],
    ['no token', { type: 'subscribe', nonce: 'b1', data: { ...good, token: undefined } }],
    ['an unknown token_type', { type: 'subscribe', nonce: 'b1', data: { ...good, token_type: 'password' } }],
    ['an unsubscribe of an unknown topic', { type: 'unsubscribe', nonce: 'b1', data: { topic: 'astro' } }],
    ['an unsubscribe without data', { type: 'unsubscribe', nonce: 'b1' }],
  ])('answers err_bad_request with the nonce to %s', async (_name, command) => {
    const e = await start();
    const client = await welcomed(e);
    const response = await client.command(command as { nonce: string });
    expect(response).toMatchObject({ type: 'response', nonce: 'b1', error: 'err_bad_request', data: { message: expect.any(String) } });
  });

  it.each([
    ['invalid JSON', '{"type":"subscribe",'],
    ['a JSON array', '[{"type":"subscribe"}]'],
    ['a JSON string', '"subscribe"'],
    ['null', 'null'],
  ])('answers err_bad_request without a nonce to %s', async (_name, text) => {
    const e = await start();
    const client = await welcomed(e);
    client.send(text);
    const response = await client.next((f) => f.type === 'response');
    expect(response).toMatchObject({ error: 'err_bad_request', data: { message: expect.any(String) } });
    expect(response).not.toHaveProperty('nonce');
  });

  it.each([
    ['an unknown type', { type: 'ping', nonce: 'm1' }],
    ['a legacy upper-case type', { type: 'SUBSCRIBE', nonce: 'm1', data: good }],
    ['no type', { nonce: 'm1', data: good }],
  ])('answers invalid_message_type with the nonce to %s', async (_name, command) => {
    const e = await start();
    const client = await welcomed(e);
    const response = await client.command(command);
    expect(response).toMatchObject({ type: 'response', nonce: 'm1', error: 'invalid_message_type', data: { message: expect.any(String) } });
  });

  it('answers invalid_message_type without a nonce when the command had none', async () => {
    const e = await start();
    const client = await welcomed(e);
    client.send({ type: 'hello' });
    const response = await client.next();
    expect(response.error).toBe('invalid_message_type');
    expect(response).not.toHaveProperty('nonce');
  });

  it('ignores binary frames silently, even a valid command', async () => {
    const e = await start();
    const client = await welcomed(e);
    const command = subscribe('bin', 'channel.tips', ROOM, e.issueToken({ channel: ROOM }), 'jwt');
    client.ws.send(Buffer.from(JSON.stringify(command)), { binary: true });
    await client.expectSilence(150);
    expect(e.subscriptionCount()).toBe(0);
    expect(e.stats.commandsReceived).toBe(0);
    expect((await client.command({ ...command, nonce: 'txt' })).error).toBeUndefined();
  });

  it('closes a connection whose message exceeds maxPayloadBytes with 1009', async () => {
    const e = await start({ maxPayloadBytes: 1024 });
    const client = await welcomed(e);
    client.send({ type: 'subscribe', nonce: 'big', data: { topic: 'x'.repeat(2000) } });
    expect((await client.closed).code).toBe(1009);
  });
});

describe('command rate limit', () => {
  const topics = ['channel.tips', 'channel.activities', 'channel.stream.status', 'channel.session.update', 'channel.overlay.action'];

  it('answers commands over the bucket with a nonce-less rate_limit_exceeded and drops them', async () => {
    const e = await start({ rateLimit: { burst: 3, intervalMs: 60_000 } });
    const client = await welcomed(e);
    const token = e.issueToken({ channel: ROOM });
    topics.forEach((topic, i) => client.send(subscribe(`n${i}`, topic, ROOM, token, 'jwt')));
    const responses: Frame[] = [];
    for (let i = 0; i < topics.length; i++) responses.push(await client.next((f) => f.type === 'response'));
    expect(responses.map((r) => r.nonce ?? null)).toEqual(['n0', 'n1', 'n2', null, null]);
    expect(responses.map((r) => r.error ?? null)).toEqual([null, null, null, 'rate_limit_exceeded', 'rate_limit_exceeded']);
    expect(responses[3]?.data).toEqual({ message: expect.any(String) });
    expect(e.subscriptionCount()).toBe(3);
    expect(e.subscriptionCount('channel.session.update')).toBe(0);
    expect(e.stats.rateLimited).toBe(2);
    expect(e.connections()[0]?.commandsReceived).toBe(5);
  });

  it('counts every text frame against the bucket, garbage included', async () => {
    const e = await start({ rateLimit: { burst: 1, intervalMs: 60_000 } });
    const client = await welcomed(e);
    client.send('garbage');
    client.send({ type: 'ping', nonce: 'p' });
    expect((await client.next()).error).toBe('err_bad_request');
    const limited = await client.next();
    expect(limited.error).toBe('rate_limit_exceeded');
    expect(limited).not.toHaveProperty('nonce');
  });

  it('refills one command per interval', async () => {
    const e = await start({ rateLimit: { burst: 1, intervalMs: 50 } });
    const client = await welcomed(e);
    const token = e.issueToken({ channel: ROOM });
    client.send(subscribe('a', 'channel.tips', ROOM, token));
    client.send(subscribe('b', 'channel.activities', ROOM, token));
    expect((await client.next()).nonce).toBe('a');
    expect((await client.next()).error).toBe('rate_limit_exceeded');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await client.command(subscribe('c', 'channel.activities', ROOM, token))).error).toBeUndefined();
  });
});

describe('unsubscribe', () => {
  async function subscribedToTwoRooms(): Promise<{ e: Emulator; client: RawClient }> {
    const e = await start();
    const client = await welcomed(e);
    const token = e.issueToken({ channel: '*' });
    await client.command(subscribe('s1', 'channel.tips', 'room-a', token, 'jwt'));
    await client.command(subscribe('s2', 'channel.tips', 'room-b', token, 'jwt'));
    await client.command(subscribe('s3', 'channel.activities', 'room-a', token, 'jwt'));
    return { e, client };
  }

  it('removes one room when a room is given', async () => {
    const { e, client } = await subscribedToTwoRooms();
    const response = await client.command({ type: 'unsubscribe', nonce: 'u1', data: { topic: 'channel.tips', room: 'room-a' } });
    expect(response).toMatchObject({
      type: 'response',
      nonce: 'u1',
      data: { message: 'successfully unsubscribed from topic', topic: 'channel.tips', room: 'room-a' },
    });
    expect(response).not.toHaveProperty('error');
    expect(e.subscriptionCount('channel.tips')).toBe(1);
    expect(e.publish('channel.tips', 'room-a', {}).delivered).toBe(0);
    expect(e.publish('channel.tips', 'room-b', {}).delivered).toBe(1);
    expect(e.subscriptionCount('channel.activities', 'room-a')).toBe(1);
    expect(e.stats.unsubscribes).toBe(1);
  });

  it.each([
    ['without a room', {}],
    ['with room ""', { room: '' }],
  ])('removes the topic in every room %s', async (_name, extra) => {
    const { e, client } = await subscribedToTwoRooms();
    const response = await client.command({ type: 'unsubscribe', nonce: 'u2', data: { topic: 'channel.tips', ...extra } });
    expect(response.error).toBeUndefined();
    expect(response.data).toEqual({ message: 'successfully unsubscribed from topic', topic: 'channel.tips' });
    expect(e.subscriptionCount('channel.tips')).toBe(0);
    expect(e.subscriptionCount('channel.activities')).toBe(1);
  });

  it('succeeds for a subscription that does not exist, and needs no token', async () => {
    const e = await start();
    const client = await welcomed(e);
    const response = await client.command({ type: 'unsubscribe', nonce: 'u3', data: { topic: 'channel.tips', room: 'r' } });
    expect(response.error).toBeUndefined();
  });

  it('resolves the room alias', async () => {
    const e = await start({ roomAliases: { streamer: ROOM } });
    const client = await welcomed(e);
    await client.command(subscribe('s', 'channel.tips', ROOM, e.issueToken({ channel: ROOM }), 'jwt'));
    const response = await client.command({ type: 'unsubscribe', nonce: 'u4', data: { topic: 'channel.tips', room: 'streamer' } });
    expect(response.data.room).toBe(ROOM);
    expect(e.subscriptionCount()).toBe(0);
  });
});

describe('publish', () => {
  it('sends one frame, with one id, to exactly the subscribers of the topic and room', async () => {
    const e = await start();
    const token = e.issueToken({ channel: '*' });
    const [a, b, otherRoom, otherTopic, none] = await Promise.all([0, 1, 2, 3, 4].map(() => welcomed(e)));
    if (!a || !b || !otherRoom || !otherTopic || !none) throw new Error('clients');
    await a.command(subscribe('1', 'channel.tips', ROOM, token, 'jwt'));
    await b.command(subscribe('2', 'channel.tips', ROOM, token, 'jwt'));
    await otherRoom.command(subscribe('3', 'channel.tips', 'elsewhere', token, 'jwt'));
    await otherTopic.command(subscribe('4', 'channel.activities', ROOM, token, 'jwt'));

    const data = { donation: { amount: 5, currency: 'USD' } };
    const result = e.publish('channel.tips', ROOM, data);
    expect(result).toEqual({ id: expect.any(String), delivered: 2 });
    expect(isUlid(result.id)).toBe(true);
    const expected = { id: result.id, ts: expect.stringMatching(RFC3339_UTC), type: 'message', topic: 'channel.tips', room: ROOM, data };
    expect(await a.next()).toEqual(expected);
    expect(await b.next()).toEqual(expected);
    await Promise.all([otherRoom.expectSilence(100), otherTopic.expectSilence(100), none.expectSilence(100)]);
    expect(e.stats.messagesDelivered).toBe(2);
  });

  it('delivers to nobody when nobody is subscribed', async () => {
    const e = await start();
    await welcomed(e);
    expect(e.publish('channel.tips', ROOM, {}).delivered).toBe(0);
  });

  it('gives every publish a new, increasing id', async () => {
    const e = await start();
    const first = e.publish('channel.tips', ROOM, 1).id;
    const second = e.publish('channel.tips', ROOM, 2).id;
    expect(second > first).toBe(true);
  });
});
