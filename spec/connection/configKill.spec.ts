import { EMPTY } from 'rxjs';
import type { ConnectionConfig } from '../../lib/connection/connect';
import { resolveConnectionConfig } from '../../lib/connection/config';
import type { OpenSocket, WebSocketCtor } from '../../lib/transport/types';

const base: ConnectionConfig = { url: 'ws://gateway.test', intents: EMPTY, tokenOf: () => undefined };
const resolve = (extra: Partial<ConnectionConfig>) => resolveConnectionConfig({ ...base, ...extra });
const openSocket: OpenSocket = () => EMPTY as never;
class BrowserLikeSocket {}

describe('resolveConnectionConfig: what it trusts and refuses', () => {
  it('trusts a custom openSocket to see statuses, even beside a browser-like WebSocketCtor', () => {
    expect(resolve({ openSocket, WebSocketCtor: BrowserLikeSocket as unknown as WebSocketCtor }).links.blindFloorMs).toBe(0);
  });

  it('accepts the default and a one-message de-duplication window', () => {
    expect(() => resolve({ openSocket })).not.toThrow();
    expect(() => resolve({ openSocket, dedupeWindow: 1 })).not.toThrow();
  });

  it.each<[string, Partial<ConnectionConfig>, RegExp]>([
    ['a zero rate-limit interval', { rateLimit: { intervalMs: 0 } }, /^connect: option rateLimit\.intervalMs must be a finite number > 0, got 0$/],
    ['an empty command bucket', { rateLimit: { burst: 0 } }, /^connect: option rateLimit\.burst must be an integer >= 1, got 0$/],
    ['a fractional command bucket', { rateLimit: { burst: 0.5 } }, /^connect: option rateLimit\.burst must be an integer >= 1, got 0\.5$/],
    ['a negative command bucket', { rateLimit: { burst: -3 } }, /^connect: option rateLimit\.burst must be an integer >= 1, got -3$/],
    ['a negative reconnect floor', { reconnectFloorMs: -1 }, /^connect: option reconnectFloorMs must be a finite number >= 0, got -1$/],
    ['a backoff factor below 1', { backoff: { factor: 0.5 } }, /^backoff: option factor must be a finite number >= 1, got 0\.5$/],
    ['a negative initial backoff', { backoff: { initialDelayMs: -5 } }, /^backoff: option initialDelayMs must be/],
    ['an empty de-duplication window', { dedupeWindow: 0 }, /^connect: option dedupeWindow must be an integer >= 1, got 0$/],
    ['a fractional de-duplication window (its ring of ids would never wrap)', { dedupeWindow: 2.5 }, /^connect: option dedupeWindow must be an integer >= 1, got 2\.5$/],
  ])('refuses %s with a TypeError naming its owner', (_what, extra, message) => {
    expect(() => resolve({ openSocket, ...extra })).toThrow(TypeError);
    expect(() => resolve({ openSocket, ...extra })).toThrow(message);
  });
});
