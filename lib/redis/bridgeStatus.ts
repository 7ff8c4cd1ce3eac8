/**
 * A worker's observable status: `state$` (a snapshot, emitted when it changes)
 * and `metrics$` (counters, emitted on demand), read from the ownership state,
 * the appender and the worker's client. No decisions here.
 */
import { BehaviorSubject } from 'rxjs';
import type { ClientMetrics, ConnectionState } from '../client/types';
import type { Appender } from './appender';
import { initialOwnership, type OwnershipState } from './ownership';
import type { BridgeMetrics, BridgeState } from './types';

/** The counters a worker keeps itself (the appender keeps the others). */
export interface BridgeCounters {
  gapMarkers: number;
  viewFailures: number;
  subscribeFailures: number;
  takeovers: number;
  handovers: number;
}

/** What the status is read from; the worker's wiring writes it. */
export interface BridgeFacts {
  own: OwnershipState;
  status: BridgeState['status'];
  viewUp: boolean;
  connection: ConnectionState['status'];
  clientMetrics?: ClientMetrics;
  readonly counters: BridgeCounters;
}

export interface BridgeStatus {
  readonly facts: BridgeFacts;
  readonly state$: BehaviorSubject<BridgeState>;
  readonly metrics$: BehaviorSubject<BridgeMetrics>;
  /** Emits the state if it changed. */
  publish(): void;
  /** Emits the metrics. */
  publishMetrics(): void;
  /** Emits both one last time, then completes them. */
  complete(): void;
}

export function bridgeStatus(workerId: string, appender: Pick<Appender, 'stats'>): BridgeStatus {
  const facts: BridgeFacts = {
    own: initialOwnership(),
    status: 'running',
    viewUp: true,
    connection: 'idle',
    counters: { gapMarkers: 0, viewFailures: 0, subscribeFailures: 0, takeovers: 0, handovers: 0 },
  };
  const snapshot = (): BridgeState => {
    const keys = [...facts.own.keys.values()];
    const a = appender.stats();
    return {
      status: facts.status,
      workerId,
      owned: keys.filter((k) => k.holding).length,
      subscribed: keys.filter((k) => k.sub !== 'no').length,
      redis: facts.viewUp && a.redisUp ? 'up' : 'down',
      buffered: a.buffered,
      connection: facts.connection,
    };
  };
  const metrics = (): BridgeMetrics => {
    const a = appender.stats();
    const { clientMetrics } = facts;
    return { appended: a.appended, duplicates: a.duplicates, dropped: a.dropped, writeFailures: a.writeFailures, ...facts.counters, ...(clientMetrics ? { client: clientMetrics } : {}) };
  };
  const state$ = new BehaviorSubject<BridgeState>(snapshot());
  const metrics$ = new BehaviorSubject<BridgeMetrics>(metrics());
  const publish = () => {
    const next = snapshot();
    const prev = state$.getValue();
    if ((Object.keys(next) as Array<keyof BridgeState>).some((k) => next[k] !== prev[k])) state$.next(next);
  };
  return {
    facts,
    state$,
    metrics$,
    publish,
    publishMetrics: () => metrics$.next(metrics()),
    complete() {
      metrics$.next(metrics());
      state$.next(snapshot());
      state$.complete();
      metrics$.complete();
    },
  };
}
