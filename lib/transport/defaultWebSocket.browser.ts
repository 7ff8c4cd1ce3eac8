import type { WebSocketCtor } from './types';

/** Browser build of `defaultWebSocket.ts`: the global `WebSocket`. @internal */
export function defaultWebSocketCtor(): WebSocketCtor {
  const global = (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  if (!global) throw new TypeError('astro-rx: no WebSocket implementation found; pass the WebSocketCtor option');
  return global;
}

/** Browsers never see the HTTP status of a refused upgrade (a 429 is close 1006). @internal */
export const SEES_UPGRADE_STATUS = false;
