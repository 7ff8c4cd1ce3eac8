import type { ConnectionState } from '../types';

const RANK: Readonly<Record<ConnectionState['status'], number>> = { closed: 0, idle: 1, connecting: 2, reconnecting: 3, open: 4 };

/**
 * The state of a pool from the states of its connections: `open` only when
 * every connection is open, otherwise the state of the least advanced one
 * (`closed` < `idle` < `connecting` < `reconnecting` < `open`; the lowest index
 * on a tie), with every connection's own state in `connections`. A pool of one
 * connection that was never resized reports that connection's state unchanged.
 *
 * When all are open, the state carries the first connection's `clientId` and the
 * earliest `gap` any of them reports.
 *
 * @internal
 */
export function aggregateState(states: readonly ConnectionState[], pooled: boolean): ConnectionState {
  const first = states[0] ?? { status: 'idle' };
  if (!pooled) return first;
  let least = first;
  for (const s of states) if (RANK[s.status] < RANK[least.status]) least = s;
  const connections = { connections: [...states] };
  if (least.status !== 'open') {
    const { connections: _nested, ...own } = least;
    return { ...own, ...connections };
  }
  const gaps = states.flatMap((s) => (s.gap ? [s.gap] : []));
  const gap = gaps.reduce<ConnectionState['gap']>((a, g) => (a === undefined || g.from < a.from ? g : a), undefined);
  return { status: 'open', ...(first.clientId !== undefined ? { clientId: first.clientId } : {}), ...(gap ? { gap } : {}), ...connections };
}

/** Whether two aggregated states would look the same to a subscriber. @internal */
export function sameState(a: ConnectionState, b: ConnectionState): boolean {
  if (a === b) return true;
  if (a.connections === undefined || b.connections === undefined) return false;
  const { connections: ac, ...ar } = a;
  const { connections: bc, ...br } = b;
  return shallowEqual(ar, br) && ac.length === bc.length && ac.every((s, i) => shallowEqual(s, bc[i] as ConnectionState));
}

function shallowEqual(a: object, b: object): boolean {
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  return ak.length === bk.length && ak.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}
