/**
 * Recovery tracking: a fault is recovered from when every client it hit has
 * been "whole" again since — open, on a connection the fault did not doom,
 * neither draining nor silenced, holding exactly the client's subscriptions at
 * the emulator. Each client counts when it is whole, not all at one instant: with
 * faults every 250 ms, twenty clients are rarely all whole at the same moment.
 */
import type { ConnectionInfo, Emulator } from '../lib/testing';
import { subKey } from './config';
import type { FaultKind } from './kinds';
import type { SoakClient } from './fleet';

export interface FaultRecord {
  readonly kind: FaultKind;
  readonly at: number;
  readonly targets: readonly number[];
  /** The targets not whole since the fault (the tracker fills it). */
  pending?: Set<number>;
  /** A handover nothing else disturbed: no event published during it may be lost. */
  graceful: boolean;
}

/** Tracks open faults against the emulator's view of the clients. */
export function createHealth(clients: readonly SoakClient[], emulator: Emulator, boundMs: number) {
  const open: FaultRecord[] = [];
  const recoveries: number[] = [];
  let worst: { kind: string; ms: number } = { kind: '-', ms: 0 };
  const unrecovered: string[] = [];

  const whole = (c: SoakClient, conns: ReadonlyMap<string, ConnectionInfo>, exact: boolean): boolean => {
    if (c.status !== 'open' || c.clientId === undefined || c.retired.has(c.clientId)) return false;
    const conn = conns.get(c.clientId);
    if (!conn || conn.draining || conn.silenced || conn.subscriptions.length !== c.desired.size) return false;
    if (exact && !conn.subscriptions.every((s) => c.desired.has(subKey(s.topic, s.room)))) return false;
    c.retired.clear();
    return true;
  };
  const snapshot = (): Map<string, ConnectionInfo> => new Map(emulator.connections().map((x) => [x.clientId, x]));

  return {
    open,
    recoveries,
    unrecovered,
    get worst() {
      return worst;
    },
    add(record: FaultRecord): void {
      record.pending = new Set(record.targets);
      open.push(record);
    },
    /** Closes the faults recovered from by `now`; returns them. Faults open past the bound count as unrecovered. */
    poll(now: number): FaultRecord[] {
      if (open.length === 0) return [];
      const conns = snapshot();
      const state = new Map<number, boolean>();
      const isWhole = (i: number): boolean => {
        const known = state.get(i);
        if (known !== undefined) return known;
        const c = clients[i];
        const ok = c !== undefined && whole(c, conns, true);
        state.set(i, ok);
        return ok;
      };
      const closed: FaultRecord[] = [];
      for (let j = open.length - 1; j >= 0; j--) {
        const f = open[j] as FaultRecord;
        for (const i of f.pending ?? []) if (isWhole(i)) f.pending?.delete(i);
        if ((f.pending?.size ?? 0) === 0) {
          const ms = now - f.at;
          recoveries.push(ms);
          if (ms > worst.ms) worst = { kind: f.kind, ms };
          closed.push(f);
          open.splice(j, 1);
        } else if (now - f.at > boundMs) {
          const left = [...(f.pending ?? [])];
          unrecovered.push(`${f.kind} on ${f.targets.length === clients.length ? 'every client' : `client ${f.targets.join(',')}`}: ${describe(left, clients, conns)}`);
          open.splice(j, 1);
        }
      }
      return closed;
    },
    /** Whether every client is whole now (exact sets). */
    allWhole(): boolean {
      const conns = snapshot();
      return clients.every((c) => whole(c, conns, true));
    },
  };
}

export type Health = ReturnType<typeof createHealth>;

function describe(targets: readonly number[], clients: readonly SoakClient[], conns: ReadonlyMap<string, ConnectionInfo>): string {
  return targets
    .slice(0, 3)
    .map((i) => {
      const c = clients[i];
      const conn = c?.clientId === undefined ? undefined : conns.get(c.clientId);
      const m = c?.metrics;
      return (
        `[client ${i} status=${c?.status} retired=${c?.clientId !== undefined && c.retired.has(c.clientId)} desired=${c?.desired.size} ` +
        `held=${conn?.subscriptions.length ?? '-'} draining=${conn?.draining ?? '-'} silenced=${conn?.silenced ?? '-'} ` +
        `queue=${JSON.stringify(m?.queue)} reconnects=${JSON.stringify(m?.reconnects)}]`
      );
    })
    .join(' ');
}
