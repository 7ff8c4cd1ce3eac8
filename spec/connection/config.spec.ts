import { EMPTY } from 'rxjs';
import type { ConnectionConfig } from '../../lib/connection/connect';
import { resolveConnectionConfig } from '../../lib/connection/config';
import { SEES_UPGRADE_STATUS } from '../../lib/transport/defaultWebSocket';
import type { OpenSocket, WebSocketCtor } from '../../lib/transport/types';

const base: ConnectionConfig = { url: 'ws://gateway.test', intents: EMPTY, tokenOf: () => undefined };
const resolve = (extra: Partial<ConnectionConfig>) => resolveConnectionConfig({ ...base, ...extra });
const openSocket: OpenSocket = () => EMPTY as never;
class NodeLikeSocket {
  on(): void {}
}
class BrowserLikeSocket {}

describe('resolveConnectionConfig', () => {
  it('fills in the documented defaults', () => {
    const { links, outbox } = resolve({ openSocket });
    expect(outbox.bucket).toEqual({ burst: 98, intervalMs: 100 });
    expect(outbox.requestTimeoutMs).toBe(10_000);
    expect(outbox.rateLimitPauseMs).toBe(1000);
    expect(outbox.maxAttempts).toBe(6);
    expect(links.minUptimeMs).toBe(5000);
    expect(links.blindFloorMs).toBe(0);
  });

  it('keeps the reserve out of the bucket, and at least one command in it', () => {
    expect(resolve({ openSocket, rateLimit: { burst: 10, reserve: 3 } }).outbox.bucket.burst).toBe(7);
    expect(resolve({ openSocket, rateLimit: { burst: 1 } }).outbox.bucket.burst).toBe(1);
    expect(resolve({ openSocket, rateLimit: { burst: 3, reserve: 0 } }).outbox.bucket.burst).toBe(3);
  });

  it.each<[string, Partial<ConnectionConfig>, number]>([
    ['a custom openSocket (trusted to see statuses)', { openSocket }, 0],
    ['a ws-like WebSocketCtor (it has `on`)', { WebSocketCtor: NodeLikeSocket as unknown as WebSocketCtor }, 0],
    ['a browser-like WebSocketCtor (a 429 looks like close 1006)', { WebSocketCtor: BrowserLikeSocket as unknown as WebSocketCtor }, 2000],
    ['a ctor without a prototype', { WebSocketCtor: (() => undefined) as unknown as WebSocketCtor }, 2000],
    ['the default transport', {}, SEES_UPGRADE_STATUS ? 0 : 2000],
    ['an explicit floor, whatever the transport', { reconnectFloorMs: 700 }, 700],
  ])('floors blind reconnects by what the transport can see: %s', (_name, extra, floor) => {
    expect(resolve(extra).links.blindFloorMs).toBe(floor);
  });

  it.each<[string, string, Partial<ConnectionConfig>]>([
    ['rateLimit.reserve', '-1', { rateLimit: { reserve: -1 } }],
    ['rateLimit.reserve', '1.5', { rateLimit: { reserve: 1.5 } }],
    ['requestTimeoutMs', '0', { requestTimeoutMs: 0 }],
    ['rateLimitPauseMs', '-1', { rateLimitPauseMs: -1 }],
    ['subscribeRetries', '0.5', { subscribeRetries: 0.5 }],
    ['heartbeatTimeoutMs', '-5', { heartbeatTimeoutMs: -5 }],
    ['backoff.minUptimeMs', '-1', { backoff: { minUptimeMs: -1 } }],
    ['reconnectFloorMs', 'NaN', { reconnectFloorMs: Number.NaN }],
  ])('refuses %s = %s with a TypeError naming connect and the option', (option, _value, extra) => {
    expect(() => resolve({ openSocket, ...extra })).toThrow(new RegExp(`^connect: option ${option.replace('.', '\\.')} must be`));
  });

  it('accepts the edges: no retries, no pause, no heartbeat deadline, no floor', () => {
    const { outbox, links } = resolve({ openSocket, subscribeRetries: 0, rateLimitPauseMs: 0, heartbeatTimeoutMs: 0, reconnectFloorMs: 0 });
    expect(outbox.maxAttempts).toBe(1);
    expect(outbox.rateLimitPauseMs).toBe(0);
    expect(links.blindFloorMs).toBe(0);
  });

  it('draws nonces from the injected source, each time', () => {
    let n = 0;
    const { outbox } = resolve({ openSocket, nonce: () => `n${++n}` });
    expect([outbox.nonce(1), outbox.nonce(2)]).toEqual(['n1', 'n2']);
  });
});
