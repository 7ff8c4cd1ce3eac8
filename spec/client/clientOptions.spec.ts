import { asyncScheduler, queueScheduler } from 'rxjs';
import { connectionOptions } from '../../lib/client/connectionOptions';
import type { AstroClientOptions } from '../../lib/client/types';
import { safeLogger } from '../../lib/util/logger';
import type { OpenSocket, WebSocketCtor } from '../../lib/transport/types';

const url = 'wss://example.test';
const of = (options: AstroClientOptions) => connectionOptions(options, url, asyncScheduler, safeLogger(undefined));

class FakeSocket {}
const WebSocketCtorFake = FakeSocket as unknown as WebSocketCtor;
const openSocket = (() => undefined) as unknown as OpenSocket;
const nonce = () => 'n';

describe('connectionOptions: what a client passes to its connections', () => {
  it.each([
    { key: 'WebSocketCtor', value: WebSocketCtorFake },
    { key: 'openSocket', value: openSocket },
    { key: 'rateLimit', value: { burst: 3, intervalMs: 500 } },
    { key: 'reconnectFloorMs', value: 1234 },
    { key: 'reconnectFloorMs', value: 0 },
    { key: 'requestTimeoutMs', value: 4321 },
    { key: 'subscribeRetries', value: 7 },
    { key: 'subscribeRetries', value: 0 },
    { key: 'rateLimitPauseMs', value: 999 },
    { key: 'rateLimitPauseMs', value: 0 },
    { key: 'heartbeatTimeoutMs', value: 31_000 },
    { key: 'maxFrameBytes', value: 2048 },
    { key: 'maxFrameBytes', value: 0 },
    { key: 'validatePayloads', value: true },
    { key: 'nonce', value: nonce },
  ] as Array<{ key: keyof AstroClientOptions; value: unknown }>)('forwards $key = $value', ({ key, value }) => {
    const opts = of({ [key]: value } as AstroClientOptions);
    expect((opts as Record<string, unknown>)[key]).toBe(value);
  });

  it.each([
    'WebSocketCtor',
    'openSocket',
    'rateLimit',
    'reconnectFloorMs',
    'requestTimeoutMs',
    'subscribeRetries',
    'rateLimitPauseMs',
    'heartbeatTimeoutMs',
    'maxFrameBytes',
    'nonce',
    'logger',
  ])('leaves %s out when the client has none, so the connection default applies', (key) => {
    expect(Object.keys(of({}))).not.toContain(key);
  });

  it('passes the url, the scheduler, payload validation off by default, and the jitter source', () => {
    const random = () => 0.25;
    const opts = connectionOptions({ random, backoff: { initialDelayMs: 10 } }, url, queueScheduler, safeLogger(undefined));
    expect(opts.url).toBe(url);
    expect(opts.scheduler).toBe(queueScheduler);
    expect(opts.validatePayloads).toBe(false);
    expect(opts.backoff).toEqual({ initialDelayMs: 10, random });
  });

  it('uses Math.random for jitter when none is given', () => {
    expect(of({}).backoff?.random).toBe(Math.random);
  });

  it('forwards only the logger levels that are functions', () => {
    const lines: string[] = [];
    const user = { debug: (m: string) => lines.push(`d:${m}`), info: 'nope', warn: (m: string) => lines.push(`w:${m}`) };
    const opts = connectionOptions({ logger: user as never }, url, asyncScheduler, safeLogger(user as never));
    expect(Object.keys(opts.logger ?? {})).toEqual(['debug', 'warn']);
    opts.logger?.debug?.('one');
    opts.logger?.warn?.('two');
    expect(lines).toEqual(['d:one', 'w:two']);
  });
});
