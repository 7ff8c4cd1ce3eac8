import type { WebSocketCtor } from './types';

/** Browser build of `defaultWebSocket.ts`: the global `WebSocket`. @internal */
export function defaultWebSocketCtor(): WebSocketCtor {
  const global = (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  if (!global) throw new TypeError('astro-rx: no WebSocket implementation found; pass the WebSocketCtor option');
  return global;
}
