import type { WebSocketCtor } from './types';

/**
 * The WebSocket implementation used when none is injected: the `ws` package in
 * Node (it exposes pings and refused-upgrade statuses), else the runtime's
 * global `WebSocket`. Browser builds replace this module with
 * `defaultWebSocket.browser.ts`, so a browser bundle never includes `ws`.
 *
 * @internal
 */
export function defaultWebSocketCtor(): WebSocketCtor {
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (isNode) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('ws') as WebSocketCtor;
  }
  const global = (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  if (!global) throw new TypeError('astro-rx: no WebSocket implementation found; pass the WebSocketCtor option');
  return global;
}

/** Whether this transport sees the HTTP status of a refused upgrade (`ws` in Node does). @internal */
export const SEES_UPGRADE_STATUS = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
