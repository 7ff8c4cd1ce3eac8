import { interval, type SchedulerLike } from 'rxjs';
import { WebSocket, type RawData } from 'ws';
import type { GatewayLink } from '../gateway/types';
import { MAX_TIMER_MS } from './options';
import type { EmuConn, EmulatorState } from './state';

/** How long a close handshake may take before the socket is terminated. @internal */
export const CLOSE_HANDSHAKE_TIMEOUT_MS = 1000;

/**
 * Wires one accepted WebSocket to the gateway core: text frames go to
 * `core.receive` (binary ones are ignored, §5), the core's frames and closes
 * go to the socket, and PING/PONG keep the liveness deadline (§4).
 *
 * @internal
 */
export function attachSocket(state: EmulatorState, ws: WebSocket, url: string): void {
  // The link is only used after `record` exists (the core answers later, never inside accept).
  const link: GatewayLink = {
    deliver: (data) => {
      if (record.silenced || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(data);
      return true;
    },
    close: (code, reason) => {
      if (code === 1006 || record.silenced) ws.terminate();
      else closeSocket(state.o.scheduler, ws, code, reason);
    },
    ping: () => ws.ping(),
  };
  const core = state.core.accept(url, link);
  const record: EmuConn = {
    clientId: core.clientId,
    socket: ws,
    core,
    closed: new Promise((resolve) => ws.once('close', () => resolve())),
    commandsReceived: 0,
    silenced: false,
    rejected: state.rejecting.delete(core.index),
  };
  if (core.restored) state.counters.reconnectsAccepted++;
  state.conns.set(core.index, record);
  ws.once('close', () => {
    clearTimers(record);
    state.conns.delete(core.index);
    state.core.clientClosed(core);
  });
  ws.on('message', (data: RawData, isBinary: boolean) => onMessage(state, record, data, isBinary));
  watchLiveness(state, record);
}

/** Starts the closing handshake, and terminates the socket if it does not finish in time (on `scheduler`). @internal */
export function closeSocket(scheduler: SchedulerLike, ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.CLOSED) return;
  if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
  const kill = scheduler.schedule(() => ws.terminate(), CLOSE_HANDSHAKE_TIMEOUT_MS);
  ws.once('close', () => kill.unsubscribe());
}

/** (Re)starts the pong deadline (none when pings or the deadline are off). @internal */
export function armPongTimer(state: EmulatorState, conn: EmuConn): void {
  conn.pongTimer?.unsubscribe();
  conn.pongTimer = undefined;
  // Without pings no client can pong, so there is no deadline either.
  if (state.o.pongTimeoutMs > MAX_TIMER_MS || state.o.pingIntervalMs > MAX_TIMER_MS) return;
  conn.pongTimer = state.o.scheduler.schedule(() => {
    conn.pongTimer = undefined;
    state.counters.terminatedNoPong++;
    state.core.drop(conn.core, 1006);
  }, state.o.pongTimeoutMs);
}

/** Stops the ping and pong timers of a connection. @internal */
export function clearTimers(conn: EmuConn): void {
  conn.pingTimer?.unsubscribe();
  conn.pongTimer?.unsubscribe();
  conn.pingTimer = undefined;
  conn.pongTimer = undefined;
}

function onMessage(state: EmulatorState, conn: EmuConn, data: RawData, isBinary: boolean): void {
  if (isBinary || state.closing) return;
  conn.commandsReceived++;
  state.counters.commandsReceived++;
  if (!conn.silenced) state.core.receive(conn.core, rawText(data));
}

function watchLiveness(state: EmulatorState, conn: EmuConn): void {
  const ws = conn.socket;
  ws.on('ping', (data: Buffer) => {
    if (!conn.silenced && ws.readyState === WebSocket.OPEN) ws.pong(data);
  });
  ws.on('pong', () => {
    if (!conn.silenced && conn.pongTimer !== undefined) armPongTimer(state, conn);
  });
  if (state.o.pingIntervalMs <= MAX_TIMER_MS) {
    conn.pingTimer = interval(state.o.pingIntervalMs, state.o.scheduler).subscribe(() => {
      if (conn.silenced || ws.readyState !== WebSocket.OPEN) return;
      if (state.core.ping(conn.core)) state.counters.pingsSent++;
    });
  }
  armPongTimer(state, conn);
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
