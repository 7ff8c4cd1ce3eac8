/**
 * Token hygiene over a real socket: during a full scenario against the emulator
 * (subscribe with two tokens, unauthorized topic and room, token handover,
 * abrupt drop, refused reconnect token, a reconnect frame with a token nobody
 * issued, broken frames and an error response echoing a token), nothing the
 * client produces — logger (all four levels), console, stdout/stderr, topic
 * errors, warnings$, state$, metrics$, gaps$, events — holds any part of a
 * subscribe token or a reconnect token.
 */
import { WebSocket, type ClientOptions } from 'ws';
import type { ClientRequestArgs } from 'node:http';
import { emulatorSession } from '../helpers/emulatorSession';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { AstroClient, ClientMetrics, ConnectionState } from '../../lib/client/types';
import type { Logger } from '../../lib/util/logger';
import type { WebSocketCtor } from '../../lib/transport/types';
import { startEmulator } from '../../lib/testing';
import { waitUntil } from '../testing/rawClient';

async function step(name: string, condition: () => boolean, timeoutMs: number, describe: () => unknown): Promise<void> {
  try {
    await waitUntil(condition, timeoutMs);
  } catch {
    throw new Error(`${name}: not reached within ${timeoutMs} ms; ${JSON.stringify(describe())}`);
  }
}

/**
 * Every 16-character window of a secret that no other secret contains (JWTs of one issuer share their
 * header and the start of their claims; those windows identify no token).
 */
function fragments(secret: string, all: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 16 <= secret.length; i++) {
    const window = secret.slice(i, i + 16);
    if (!all.some((other) => other !== secret && other.includes(window))) out.push(window);
  }
  return out;
}

/** A deep, cycle-safe text of anything, errors included (name, message, stack, code, details, cause). */
function serialize(value: unknown, seen = new WeakSet<object>()): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (value instanceof Error) {
    const extra = Object.entries(value).map(([k, v]) => `${k}=${serialize(v, seen)}`);
    return `${value.name}: ${value.message} ${extra.join(' ')} ${value.stack ?? ''} cause=${serialize((value as { cause?: unknown }).cause, seen)}`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => serialize(v, seen)).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${k}: ${serialize(v, seen)}`)
    .join(', ')}}`;
}

describe('token hygiene', () => {
  const session = emulatorSession();
  const restore: Array<() => void> = [];

  afterEach(() => {
    restore.splice(0).forEach((r) => r());
  });

  it('no token and no reconnect token reaches logs, console, errors, state$, metrics$ or warnings$', async () => {
    const captured: string[] = [];
    const capture = (where: string, value: unknown) => captured.push(`${where}: ${serialize(value)}`);
    const logLines: string[] = [];
    const logger: Required<Logger> = {
      debug: (m, meta) => (logLines.push(m), capture('debug', [m, meta])),
      info: (m, meta) => (logLines.push(m), capture('info', [m, meta])),
      warn: (m, meta) => (logLines.push(m), capture('warn', [m, meta])),
      error: (m, meta) => (logLines.push(m), capture('error', [m, meta])),
    };
    let consoleCalls = 0;
    for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const spy = jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        consoleCalls++;
        capture(`console.${level}`, args);
      });
      restore.push(() => spy.mockRestore());
    }
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        capture('std', String(chunk));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = write));
    }

    session.emulator = await startEmulator({ port: 0, pingIntervalMs: 500, drainGraceMs: 150 });
    const e = session.emulator;
    const tokenA = e.issueToken({ channel: 'room1', scopes: ['activities:read', 'tips:read'] });
    const tokenB = e.issueToken({ channel: 'room1', scopes: ['session:read'], type: 'apikey' });
    // a reconnect token nobody issued, and one that arrives inside a frame the client cannot decode
    const bogusReconnect = 'eyJhbGciOiJIUzI1NiIs.Ym9ndXMtcmVjb25uZWN0LXRva2VuLXBheWxvYWQ.Ym9ndXMtcmVjb25uZWN0LXNpZ25hdHVyZQ';
    const brokenReconnect = 'eyJhbGciOiJIUzI1NiIs.YnJva2VuLWZyYW1lLXJlY29ubmVjdC1wYXlsb2Fk.YnJva2VuLWZyYW1lLXNpZ25hdHVyZS14eXo';

    // the sockets the client opens: their URLs, and the reconnect tokens they are sent
    const urls: string[] = [];
    const reconnectTokens = new Set<string>();
    const outgoing: string[] = [];
    class Tracked extends WebSocket {
      constructor(url: string, options?: ClientOptions | ClientRequestArgs) {
        super(url, options);
        urls.push(url);
        this.on('message', (data, isBinary) => {
          if (isBinary) return;
          const text = data.toString();
          for (const m of text.matchAll(/"reconnect_token":"([^"]*)"/g)) if (m[1]) reconnectTokens.add(m[1]);
        });
      }
      override send(data: string): void {
        outgoing.push(data);
        super.send(data);
      }
    }

    let nonce = 0;
    session.client = createAstroClient({
      url: e.url,
      token: tokenA,
      logger,
      WebSocketCtor: Tracked as unknown as WebSocketCtor,
      nonce: () => `nonce-${++nonce}`,
      heartbeatTimeoutMs: 1500,
      requestTimeoutMs: 3000,
      backoff: { initialDelayMs: 20, maxDelayMs: 200, minUptimeMs: 100 },
    });
    const c = session.client;
    let state: ConnectionState | undefined;
    let metrics: ClientMetrics | undefined;
    session.subs.add(c.state$.subscribe((s) => (capture('state', s), (state = s))));
    session.subs.add(c.metrics$.subscribe((m) => (capture('metrics', m), (metrics = m))));
    session.subs.add(c.warnings$.subscribe((w) => capture('warning', w)));
    session.subs.add(c.gaps$.subscribe((g) => capture('gap', g)));
    const errors: unknown[] = [];
    const follow = (name: string, topic$: ReturnType<AstroClient['topic']>) =>
      session.subs.add(topic$.subscribe({ next: (m) => capture(`event ${name}`, m), error: (err: unknown) => (errors.push(err), capture(`topic error ${name}`, err)) }));

    follow('activities', c.topic('channel.activities', { room: 'room1' }));
    follow('tips', c.topic('channel.tips', { room: 'room1' }));
    follow('session', c.topic('channel.session.update', { room: 'room1', token: tokenB, tokenType: 'apikey' }));
    follow('chat (missing scope)', c.topic('channel.chat.message', { room: 'room1' }));
    follow('tips in another room', c.topic('channel.tips', { room: 'room2' }));
    const where = () => ({ state, metrics, errors: errors.length, connections: e.connections().map((x) => ({ subs: x.subscriptions.length, draining: x.draining })) });
    const healthy = (n = 3) => e.subscriptionCount() === n && e.connections().filter((x) => !x.draining).length === 1 && state?.status === 'open';
    await step('subscribed', () => healthy() && errors.length === 2, 5000, where);
    e.publish('channel.tips', 'room1', { donation: { amount: 1, currency: 'USD' } });

    // 1. graceful handover with a reconnect token
    await e.drain();
    await step('handover', () => healthy() && metrics?.reconnects.handover === 1, 5000, where);

    // 2. abrupt drop
    const before = e.connections()[0]?.clientId;
    e.faults.dropAll();
    await step('drop', () => healthy() && e.connections()[0]?.clientId !== before, 5000, where);

    // 3. the reconnect token is refused: fresh connection, 502 until the drain ends
    const failedBefore = metrics?.reconnects.handover_failed ?? 0;
    e.faults.rejectNextReconnects(1);
    await e.drain();
    await step('refused token', () => healthy() && (metrics?.reconnects.handover_failed ?? 0) > failedBefore, 5000, where);
    const failedAfter = metrics?.reconnects.handover_failed ?? 0;

    // 4. a reconnect frame with a token nobody issued (outside a drain)
    e.faults.sendRaw(JSON.stringify({ type: 'reconnect', data: { message: 'The server is shutting down.', reconnect_token: bogusReconnect } }));
    await step('bogus token', () => healthy() && (metrics?.reconnects.handover_failed ?? 0) > failedAfter, 5000, where);

    // 5. frames the client cannot decode, carrying tokens
    e.faults.sendRaw(JSON.stringify({ type: 'reconnect', data: { message: 5, reconnect_token: brokenReconnect } }));
    e.faults.sendRaw(`{"type":"response","error":"err_bad_request","data":{"message":"bad token ${tokenA}"} trailing garbage`);
    e.faults.sendRaw(JSON.stringify({ type: 'surprise', token: tokenB }));
    await step('broken frames', () => (metrics?.decodeFailures ?? 0) >= 3, 3000, where);

    // 6. an error response whose text echoes the subscribe token (nonces are known: see `nonce` above)
    const [conn] = e.connections();
    e.faults.silence(true, conn?.clientId);
    follow('stream status', c.topic('channel.stream.status', { room: 'room1' }));
    await step('pending subscribe', () => outgoing.some((o) => o.includes('channel.stream.status')), 3000, where);
    const pending = JSON.parse(outgoing.find((o) => o.includes('channel.stream.status')) ?? '{}') as { nonce?: string };
    e.faults.sendRaw(JSON.stringify({ type: 'response', nonce: pending.nonce, error: 'err_unauthorized', data: { message: `token ${tokenA} may not read channel.stream.status` } }));
    await step('echoed token', () => errors.length === 3, 3000, where);
    e.faults.silence(false, conn?.clientId);

    session.subs.unsubscribe();
    c.close();

    // what the client was given, and what it must never repeat
    const tokenUrls = urls.filter((u) => u.includes('reconnect_token='));
    expect(tokenUrls.length).toBeGreaterThanOrEqual(3);
    for (const u of tokenUrls) reconnectTokens.add(new URL(u).searchParams.get('reconnect_token') ?? '');
    reconnectTokens.delete('');
    expect(reconnectTokens.size).toBeGreaterThanOrEqual(4);
    expect(reconnectTokens).toContain(bogusReconnect);
    expect(reconnectTokens).toContain(brokenReconnect);
    const secrets = [tokenA, tokenB, ...reconnectTokens];

    const text = captured.join('\n');
    const windows = new Map(secrets.map((secret) => [secret, fragments(secret, secrets)]));
    const leaks = secrets.flatMap((secret) => (windows.get(secret) ?? []).filter((f) => text.includes(f)).slice(0, 1).map((f) => `${secret.slice(0, 24)}… (e.g. "${f}")`));
    if (leaks.length > 0) {
      const lines = captured.filter((line) => secrets.some((s) => (windows.get(s) ?? []).some((f) => line.includes(f))));
      throw new Error(`token material leaked:\n${leaks.join('\n')}\nin:\n${lines.map((l) => l.slice(0, 400)).join('\n')}`);
    }

    // reconnect URLs are logged, and only redacted
    expect(logLines.some((l) => l.includes('reconnect_token=[redacted]'))).toBe(true);
    expect(logLines.filter((l) => /reconnect_token=(?!\[redacted\])/.test(l))).toEqual([]);
    // the scenario happened as intended
    expect(errors.map((err) => (err as { code?: string }).code).sort()).toEqual(['err_unauthorized', 'err_unauthorized', 'err_unauthorized']);
    expect(consoleCalls).toBe(0);
    expect(captured.some((l) => l.startsWith('debug')) && captured.some((l) => l.startsWith('info')) && captured.some((l) => l.startsWith('warn'))).toBe(true);
  }, 30_000);
});
