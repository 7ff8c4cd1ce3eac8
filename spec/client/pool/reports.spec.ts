import type { ConnectionEvent } from '../../../lib/connection/events';
import { AstroError } from '../../../lib/errors/astroError';
import { ClientOutputs } from '../../../lib/client/outputs';
import { PoolReports } from '../../../lib/client/pool/reports';
import type { ClientMetrics, ConnectionState, Gap } from '../../../lib/client/types';
import { safeLogger } from '../../../lib/util/logger';

// The pool's reports as a machine: connection events in, state$, gaps$ and metrics$ out.

function setup(pooled: boolean, k = 2, running = false) {
  const lines: string[] = [];
  const out = new ClientOutputs(safeLogger({ info: (m) => lines.push(m), warn: (m) => lines.push(m) }));
  const states: ConnectionState[] = [];
  const gaps: Gap[] = [];
  const metrics: ClientMetrics[] = [];
  out.state.subscribe((s) => states.push(s));
  out.gaps.subscribe((g) => gaps.push(g));
  out.metrics$.subscribe((m) => metrics.push(m));
  let subscriptions = 7;
  const reports = new PoolReports(out, pooled, () => subscriptions);
  reports.resize(k, running);
  return { out, reports, states, gaps, metrics, lines, setSubscriptions: (n: number) => (subscriptions = n), last: () => states[states.length - 1] as ConnectionState, lastMetrics: () => metrics[metrics.length - 1] as ClientMetrics };
}

const welcome = (gapFrom?: number): ConnectionEvent => ({ type: 'welcome', clientId: 'c', restored: false, ...(gapFrom !== undefined ? { gapFrom } : {}) });
const A = { name: 'a' };
const B = { name: 'b' };

describe('PoolReports', () => {
  it.each([
    [false, 'idle'],
    [true, 'connecting'],
  ] as const)('lists new connections (running %s) as %s', (running, status) => {
    const t = setup(true, 3, running);
    expect(t.last().connections?.map((c) => c.status)).toEqual([status, status, status]);
    expect(t.last().status).toBe(status);
  });

  it('without a connections option reports the first connection alone, and no per-connection metrics', () => {
    const t = setup(false, 2);
    expect(t.last()).toEqual({ status: 'idle' });
    expect(t.out.connectionMetrics).toBeUndefined();
    expect(t.lastMetrics().connections).toBeUndefined();
    t.reports.onEvent(0, welcome(), 1, () => []);
    expect(t.last()).toEqual({ status: 'open', clientId: 'c' });
  });

  it('lists per-connection metrics of the active connections only, each with its index and owned keys', () => {
    const t = setup(true, 3);
    t.reports.own(0, 2);
    t.reports.own(2, 1);
    t.reports.own(2, 1);
    expect(t.reports.owned(2)).toBe(2);
    expect(t.reports.owned(9)).toBe(0);
    t.reports.own(9, 1);
    t.reports.resize(2, false);
    const m = t.out.connectionMetrics?.() ?? [];
    expect(m.map((c) => [c.connection, c.activeSubscriptions])).toEqual([
      [0, 2],
      [1, 0],
    ]);
    expect(m.every((c) => !('connections' in c))).toBe(true);
    // the retiring connection is still reported on in state until trimmed
    expect(t.reports.owned(2)).toBe(2);
    t.reports.trim(2);
    expect(t.reports.owned(2)).toBe(0);
    t.reports.resize(3, true);
    expect(t.last().connections?.map((c) => c.status)).toEqual(['idle', 'idle', 'connecting']);
  });

  it('trims only what is beyond the length', () => {
    const t = setup(true, 2);
    t.reports.own(1, 4);
    t.reports.trim(5);
    expect(t.reports.owned(1)).toBe(4);
    t.reports.trim(1);
    expect(t.reports.owned(1)).toBe(0);
    expect(t.reports.owned(0)).toBe(0);
  });

  it('reads connections waiting for their turn as connecting when the pool starts, keeping the open ones', () => {
    const t = setup(true, 3);
    t.reports.onEvent(0, welcome(), 1, () => []);
    t.reports.onEvent(1, { type: 'reconnecting', attempt: 2, retryInMs: 50 }, 1, () => []);
    t.reports.starting();
    expect(t.last().connections).toEqual([{ status: 'open', clientId: 'c' }, { status: 'connecting' }, { status: 'connecting' }]);
  });

  it('does nothing when starting without a connections option', () => {
    const t = setup(false, 1);
    const before = t.states.length;
    t.reports.starting();
    expect(t.states.length).toBe(before);
    expect(t.last()).toEqual({ status: 'idle' });
  });

  it('ignores the events of a connection it does not know', () => {
    const t = setup(true, 1);
    const before = { states: t.states.length, metrics: t.metrics.length };
    t.reports.onEvent(5, welcome(), 1, () => []);
    expect(t.states.length).toBe(before.states);
    expect(t.metrics.length).toBe(before.metrics);
    expect(t.lastMetrics().connects).toBe(0);
  });

  it('counts per connection and in total, publishing metrics only on a visible change', () => {
    const t = setup(true, 2);
    const n = t.metrics.length;
    t.reports.onEvent(1, welcome(), 1, () => []);
    expect(t.metrics.length).toBe(n + 1);
    expect(t.lastMetrics().connects).toBe(1);
    expect(t.lastMetrics().activeSubscriptions).toBe(7);
    expect(t.lastMetrics().connections?.map((c) => c.connects)).toEqual([0, 1]);
    t.reports.onEvent(1, { type: 'sent', queuedMs: 3 }, 2, () => []);
    expect(t.metrics.length).toBe(n + 1);
    t.setSubscriptions(3);
    t.reports.publishMetrics();
    expect(t.lastMetrics().commandsSent).toBe(1);
    expect(t.lastMetrics().activeSubscriptions).toBe(3);
    expect(t.lastMetrics().connections?.map((c) => c.commandsSent)).toEqual([0, 1]);
  });

  it("sums the queue depth over every connection's queue", () => {
    const t = setup(true, 3);
    t.reports.onEvent(0, { type: 'queue', depth: 4 }, 1, () => []);
    t.reports.onEvent(2, { type: 'queue', depth: 5 }, 1, () => []);
    expect(t.lastMetrics().queue.depth).toBe(9);
    t.reports.onEvent(0, { type: 'queue', depth: 1 }, 2, () => []);
    expect(t.lastMetrics().queue.depth).toBe(6);
    expect(t.lastMetrics().connections?.map((c) => c.queue.depth)).toEqual([1, 0, 5]);
    // a connection's 'sent' leaves the summed depth alone
    t.reports.onEvent(1, { type: 'sent', queuedMs: 1 }, 3, () => []);
    t.reports.publishMetrics();
    expect(t.lastMetrics().queue.depth).toBe(6);
  });

  it('opens a gap per connection, names it, counts it there, and closes it as its keys come back', () => {
    const t = setup(true, 2);
    t.reports.onEvent(1, welcome(100), 150, () => [A, B]);
    expect(t.last().connections?.[1]).toEqual({ status: 'open', clientId: 'c', gap: { from: 100, cause: 'error' } });
    t.reports.onEvent(1, { type: 'subscribed', refs: [A], topic: 't', room: 'r' }, 160, () => [A, B]);
    expect(t.gaps).toEqual([]);
    const n = t.metrics.length;
    // done on another connection closes nothing
    t.reports.done([B], 170, 0);
    expect(t.gaps).toEqual([]);
    t.reports.done([B], 180, 1);
    expect(t.gaps).toEqual([{ from: 100, to: 180, cause: 'error', connection: 1 }]);
    expect(t.metrics.length).toBeGreaterThan(n);
    expect(t.lastMetrics().gaps).toBe(1);
    expect(t.lastMetrics().connections?.map((c) => c.gaps)).toEqual([0, 1]);
    expect(t.lines).toContain('events between 100 and 180 may be missing (error)');
  });

  it('closes gaps on every connection when done names none', () => {
    const t = setup(true, 2);
    t.reports.onEvent(0, welcome(10), 20, () => [A]);
    t.reports.onEvent(1, welcome(30), 40, () => [A]);
    t.reports.done([A], 50);
    expect(t.gaps).toEqual([
      { from: 10, to: 50, cause: 'error', connection: 0 },
      { from: 30, to: 50, cause: 'error', connection: 1 },
    ]);
  });

  it('does not name the connection of a gap without a connections option, and publishes no metrics for no gap', () => {
    const t = setup(false, 1);
    t.reports.onEvent(0, welcome(10), 20, () => [A]);
    const n = t.metrics.length;
    t.reports.done([B], 25);
    expect(t.metrics.length).toBe(n);
    t.reports.done([A], 30);
    expect(t.gaps).toEqual([{ from: 10, to: 30, cause: 'error' }]);
    expect(t.metrics.length).toBe(n + 1);
  });

  it('counts messages per connection and in total', () => {
    const t = setup(true, 2);
    t.reports.message(1);
    t.reports.message(1);
    t.reports.message(0);
    t.reports.message(8);
    t.reports.publishMetrics();
    expect(t.lastMetrics().messages).toBe(4);
    expect(t.lastMetrics().connections?.map((c) => c.messages)).toEqual([1, 2]);
  });

  it('stops every connection: each state mapped, every queue emptied, both published', () => {
    const t = setup(true, 2);
    t.reports.onEvent(0, { type: 'queue', depth: 3 }, 1, () => []);
    t.reports.onEvent(1, { type: 'queue', depth: 2 }, 1, () => []);
    const n = t.metrics.length;
    const error = new AstroError('transport', 'gone');
    t.reports.stopAll(() => ({ status: 'closed', lastError: { code: error.code, message: error.message } }));
    expect(t.metrics.length).toBe(n + 1);
    expect(t.lastMetrics().queue.depth).toBe(0);
    expect(t.lastMetrics().connections?.map((c) => c.queue.depth)).toEqual([0, 0]);
    expect(t.last()).toMatchObject({ status: 'closed', lastError: { code: 'transport', message: 'gone' } });
    expect(t.last().connections?.map((c) => c.status)).toEqual(['closed', 'closed']);
  });

  it('publishes no state after the client closed', () => {
    const t = setup(true, 2);
    t.out.close();
    const n = t.states.length;
    t.reports.stopAll(() => ({ status: 'idle' }));
    expect(t.states.length).toBe(n);
  });

  it('publishes a state only when it changed', () => {
    const t = setup(true, 2);
    const n = t.states.length;
    t.reports.onEvent(0, { type: 'rate_limited' }, 1, () => []);
    t.reports.resize(2, false);
    expect(t.states.length).toBe(n);
    t.reports.onEvent(0, { type: 'connecting', attempt: 0 }, 1, () => []);
    expect(t.states.length).toBe(n + 1);
  });

  it('stops counting the queue of a connection once it is trimmed', () => {
    const t = setup(true, 2);
    t.reports.onEvent(0, { type: 'queue', depth: 1 }, 1, () => []);
    t.reports.onEvent(1, { type: 'queue', depth: 3 }, 1, () => []);
    expect(t.lastMetrics().queue.depth).toBe(4);
    t.reports.resize(1, true);
    t.reports.trim(1);
    t.reports.onEvent(0, { type: 'rate_limited' }, 2, () => []);
    expect(t.lastMetrics().queue.depth).toBe(1);
  });
});
