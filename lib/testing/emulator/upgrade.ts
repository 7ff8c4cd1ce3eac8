import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { UpgradeRefusal } from '../gateway/types';
import { attachSocket } from './connection';
import type { EmulatorState } from './state';

const noop = (): void => undefined;

/**
 * Answers one HTTP upgrade (§2): refusals queued by faults and the
 * `tokenUpgrade` switch first (via the core), then 502 for a fresh upgrade
 * while the emulator drains, then 429 past the connection rate limit;
 * otherwise the WebSocket is accepted and attached to the core.
 *
 * @internal
 */
export function onUpgrade(state: EmulatorState, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', noop);
  if (state.closing) {
    socket.destroy();
    return;
  }
  const url = req.url ?? '/';
  const refusal = decide(state, url);
  if (refusal) return refuse(state, socket, refusal);
  state.wss.handleUpgrade(req, socket, head, (ws) => onConnection(state, ws, url));
}

function decide(state: EmulatorState, url: string): UpgradeRefusal | undefined {
  const queued = state.core.upgrade(url);
  if (queued) return queued;
  const hasToken = new URL(url, 'http://emulator.invalid').searchParams.has('reconnect_token');
  if (!hasToken && state.drain) return { status: 502 };
  if (!admitConnection(state)) return { status: 429, retryAfterMs: retryAfterMs(state) };
  return undefined;
}

/** The `Retry-After` of the emulator's own 429s, in milliseconds. @internal */
export function retryAfterMs(state: EmulatorState): number {
  const limit = state.o.connectionRateLimit;
  return (limit ? limit.retryAfterSeconds : 2) * 1000;
}

// Sliding window over accepted upgrades.
function admitConnection(state: EmulatorState): boolean {
  const limit = state.o.connectionRateLimit;
  if (!limit) return true;
  const now = state.o.scheduler.now();
  const accepted = state.acceptedUpgrades;
  while (accepted.length > 0 && (accepted[0] ?? 0) <= now - limit.windowMs) accepted.shift();
  if (accepted.length >= limit.max) return false;
  accepted.push(now);
  return true;
}

function refuse(state: EmulatorState, socket: Duplex, refusal: UpgradeRefusal): void {
  const { status } = refusal;
  const headers: Record<string, string | number> = { Connection: 'close', 'Content-Type': 'text/plain; charset=utf-8' };
  let body: string;
  if (status === 429) {
    state.counters.upgradesRefused429++;
    headers['Retry-After'] = Math.ceil((refusal.retryAfterMs ?? retryAfterMs(state)) / 1000);
    body = 'Too Many Requests: too many connection attempts\n';
  } else {
    if (status === 502) state.counters.upgradesRefused502++;
    body = status === 502 ? 'Bad Gateway: this node is draining\n' : `${http.STATUS_CODES[status] ?? 'Refused'}\n`;
  }
  headers['Content-Length'] = Buffer.byteLength(body);
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Refused'}\r\n${head}\r\n\r\n${body}`);
}

function onConnection(state: EmulatorState, ws: WebSocket, url: string): void {
  ws.on('error', noop);
  if (state.closing) {
    ws.terminate();
    return;
  }
  state.sockets.add(ws);
  ws.once('close', () => state.sockets.delete(ws));
  attachSocket(state, ws, url);
}
