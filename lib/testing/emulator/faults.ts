import { WebSocket } from 'ws';
import { mergeSwitches } from '../gateway/switches';
import { armPongTimer } from './connection';
import { MAX_TIMER_MS, nonNegativeInt } from './options';
import { retryAfterMs } from './upgrade';
import { byClientId, targets, type EmulatorState } from './state';
import type { EmulatorFaults } from './types';

type FaultCode = Parameters<EmulatorFaults['failNextCommands']>[0];
const FAULT_CODES: readonly string[] = ['err_deadline_exceeded', 'err_internal_error', 'rate_limit_exceeded'];

/** The emulator's {@link EmulatorFaults}, acting on its state and its gateway core. @internal */
export function createFaults(state: EmulatorState): EmulatorFaults {
  const { core } = state;
  return {
    dropAll: () => {
      for (const conn of [...state.conns.values()]) core.drop(conn.core, 1006);
    },
    drop: (clientId) => {
      const conn = byClientId(state, clientId);
      if (conn) core.drop(conn.core, 1006);
    },
    sendRaw: (data, clientId) => {
      for (const conn of targets(state, clientId)) {
        if (conn.socket.readyState !== WebSocket.OPEN) continue;
        if (typeof data === 'string') conn.socket.send(data);
        else conn.socket.send(data, { binary: true });
      }
    },
    silence: (on, clientId) => silence(state, on, clientId),
    refuseUpgrades: (status, count) => {
      if (status !== 429 && status !== 502) throw new TypeError(`refuseUpgrades: status must be 429 or 502, got ${String(status)}`);
      const n = nonNegativeInt(count, 'refuseUpgrades: count');
      core.refuseUpgrades(n, status === 429 ? { status, retryAfterMs: retryAfterMs(state) } : { status });
    },
    failNextCommands: (code: FaultCode, count = 1) => {
      if (!FAULT_CODES.includes(code)) throw new TypeError(`failNextCommands: unsupported code ${JSON.stringify(code)}`);
      core.failNextSubscribes(code, nonNegativeInt(count, 'failNextCommands: count'));
    },
    rejectNextReconnects: (count = 1) => {
      state.reconnectRejections += nonNegativeInt(count, 'rejectNextReconnects: count');
    },
    rejectNext: (count) => core.rejectNext(nonNegativeInt(count, 'rejectNext: count')),
    set: (input) => {
      const next = mergeSwitches(core.switches, input);
      return core.set({ ...input, oldSocketCloseMs: Math.min(next.oldSocketCloseMs, MAX_TIMER_MS) });
    },
    switches: () => core.switches,
    handover: (clientId) => {
      const conn = byClientId(state, clientId);
      return conn && !conn.rejected ? core.drain(conn.core) : undefined;
    },
  };
}

function silence(state: EmulatorState, on: boolean, clientId: string | undefined): void {
  for (const conn of targets(state, clientId)) {
    if (conn.silenced === on) continue;
    conn.silenced = on;
    if (on) {
      conn.pongTimer?.unsubscribe();
      conn.pongTimer = undefined;
    } else if (conn.socket.readyState === WebSocket.OPEN) {
      armPongTimer(state, conn);
    }
  }
}
