import type { ConnectionEvent } from '../../connection/events';
import { createGaps, done, stepGaps, type GapState } from '../gaps';
import { countEvent, createMetrics, snapshotMetrics, type MetricsState } from '../metrics';
import type { ClientOutputs } from '../outputs';
import { reduceState } from '../state';
import type { ConnectionMetrics, ConnectionState, Gap } from '../types';
import { aggregateState, sameState } from './aggregateState';

/** What the reports of one connection keep. */
interface Report {
  state: ConnectionState;
  readonly gaps: GapState;
  readonly metrics: MetricsState;
  /** The subscription keys it owns. */
  owned: number;
}

/**
 * `state$`, `gaps$` and `metrics$` of a pool, from each connection's events:
 * one gap tracker, one state and one set of counters per connection, folded
 * into the client's single streams. A gap names its connection and a pool's
 * state and counters list every connection when the client has a `connections`
 * option (`pooled`); without one, everything reads as it does for one connection.
 *
 * @internal
 */
export class PoolReports {
  private readonly reports: Report[] = [];
  private active = 0;
  private pooled = false;

  constructor(
    private readonly out: ClientOutputs,
    pooled: boolean,
    private readonly activeSubscriptions: () => number,
  ) {
    if (pooled) this.pool();
  }

  /** From now on, gaps name their connection, and the state and counters list every connection. */
  pool(): void {
    this.pooled = true;
    this.out.connectionMetrics = () => this.reports.slice(0, this.active).map((r, i) => connectionMetrics(r, i));
  }

  /** The number of connections reported on (retiring ones are kept until {@link PoolReports.trim}). */
  resize(k: number, running: boolean): void {
    this.active = k;
    for (let i = this.reports.length; i < k; i++) {
      this.reports.push({ state: running ? { status: 'connecting' } : { status: 'idle' }, gaps: createGaps(), metrics: createMetrics(), owned: 0 });
    }
    this.publishState();
  }

  /** Forgets the connections from `length` on (closed). */
  trim(length: number): void {
    this.reports.length = Math.min(this.reports.length, length);
  }

  /** The pool starts: a connection still waiting for its turn reads as connecting. */
  starting(): void {
    if (!this.pooled) return;
    for (const r of this.reports) if (r.state.status !== 'open') r.state = { status: 'connecting' };
    this.publishState();
  }

  /** Folds one connection event in; `wanted` lists the entries that connection should hold. */
  onEvent(index: number, e: ConnectionEvent, now: number, wanted: () => Iterable<unknown>): void {
    const r = this.reports[index];
    if (!r) return;
    this.emitGaps(index, stepGaps(r.gaps, e, now, wanted));
    r.state = reduceState(r.state, e, r.gaps.lastCause);
    this.publishState();
    countEvent(r.metrics, e);
    const changed = countEvent(this.out.metrics, e);
    // The client's queue is every connection's (a retired connection's queue no longer counts).
    this.out.metrics.queue.depth = this.reports.reduce((n, x) => n + x.metrics.queue.depth, 0);
    if (changed) this.publishMetrics();
  }

  /** Entries that no longer wait anywhere (gone, or moved off `only`). */
  done(refs: readonly unknown[], now: number, only?: number): void {
    this.reports.forEach((r, i) => (only === undefined || i === only) && this.emitGaps(i, done(r.gaps, refs, now)));
  }

  message(index: number): void {
    this.out.metrics.messages++;
    const r = this.reports[index];
    if (r) r.metrics.messages++;
  }

  own(index: number, delta: number): void {
    const r = this.reports[index];
    if (r) r.owned += delta;
  }

  owned(index: number): number {
    return this.reports[index]?.owned ?? 0;
  }

  /** Sets every connection's state (the pool stopped or failed); nothing waits in a queue any more. */
  stopAll(next: (s: ConnectionState) => ConnectionState): void {
    for (const r of this.reports) {
      r.state = next(r.state);
      r.metrics.queue.depth = 0;
    }
    this.out.metrics.queue.depth = 0;
    this.publishMetrics();
    // (a closed client's outputs take no state: setState ignores it)
    this.publishState();
  }

  publishMetrics(): void {
    this.out.publishMetrics(this.activeSubscriptions());
  }

  private publishState(): void {
    const next = aggregateState(this.reports.slice(0, Math.max(1, this.active)).map((r) => r.state), this.pooled);
    if (!sameState(next, this.out.state.value)) this.out.setState(next);
  }

  private emitGaps(index: number, closed: Gap[]): void {
    const r = this.reports[index];
    if (r) r.metrics.gaps += closed.length;
    const tagged = this.pooled ? closed.map((g) => ({ ...g, connection: index })) : closed;
    if (this.out.emitGaps(tagged)) this.publishMetrics();
  }
}

function connectionMetrics(r: Report, connection: number): ConnectionMetrics {
  const { connections: _none, ...m } = { ...snapshotMetrics(r.metrics), activeSubscriptions: r.owned, connections: undefined };
  return { ...m, connection };
}
