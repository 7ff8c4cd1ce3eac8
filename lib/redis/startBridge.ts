/**
 * A bridge worker: serves its share of the desired set on one client and
 * appends every event to Redis Streams. See docs/redis-bridge.md.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { asyncScheduler, BehaviorSubject, catchError, exhaustMap, from, map, merge, of, Subject, timer, type Observable } from 'rxjs';
import { createAstroClient } from '../client/createAstroClient';
import type { ClientMetrics, ConnectionState } from '../client/types';
import { runMachine } from '../operators/runMachine';
import { bridgeAdapter } from './adapter';
import { startAppender } from './appender';
import { bridgeConnection } from './connection';
import { gapEntry, messageEntry } from './entries';
import { redisKeys } from './keys';
import { initialOwnership, ownership, type OwnershipInput, type OwnershipOutput, type OwnershipState } from './ownership';
import { keySubscriptions } from './subscriptions';
import type { Bridge, BridgeMetrics, BridgeOptions, BridgeState } from './types';
import { bridgeSettings } from './settings';

/**
 * Starts a bridge worker.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { startBridge } from 'astro-rx/redis';
 * const bridge = startBridge({ redis: new Redis(), tokenFor: (ref) => process.env[`ASTRO_TOKEN_${ref.toUpperCase()}`] });
 * process.on('SIGTERM', () => void bridge.stop());
 * ```
 * @category Redis
 */
export function startBridge(options: BridgeOptions): Bridge {
  const s = bridgeSettings(options, { workerId: `${hostname()}-${process.pid}`, instanceId: randomUUID().slice(0, 8) });
  const { scheduler = asyncScheduler } = options;
  const conn = bridgeConnection(s.redis);
  const adapter = bridgeAdapter(conn, { keys: redisKeys(s.prefix), workerId: s.workerId, holder: s.holder, leaseMs: s.leaseMs, heartbeatTtlMs: s.leaseMs, heldTtlMs: s.heldTtlMs, dedupeWindowMs: s.dedupeWindowMs, maxLen: s.maxLen, timeoutMs: s.leaseMs });
  const client = createAstroClient({ ...s.clientOptions, scheduler });
  const counters = { gapMarkers: 0, viewFailures: 0, subscribeFailures: 0, takeovers: 0, handovers: 0 };
  let own: OwnershipState = initialOwnership();
  let status: BridgeState['status'] = 'running';
  let viewUp = true;
  let connection: ConnectionState['status'] = 'idle';
  let clientMetrics: ClientMetrics | undefined;
  const appender = startAppender({ bound: s.bufferSize, batch: 500, retryMs: Math.min(1000, s.leaseMs / 2), write: adapter.write, onChange: () => publish() }, scheduler);
  const state$ = new BehaviorSubject<BridgeState>(snapshot());
  const metrics$ = new BehaviorSubject<BridgeMetrics>(metricsNow());
  const enqueueGap = (topic: string, room: string, from: number, to: number, cause: string) => {
    counters.gapMarkers++;
    appender.enqueue(gapEntry({ type: 'gap', topic, room, from, to, cause }, scheduler.now()));
  };
  // the named feedback loop: subscription confirmations and lease results back into the machine
  const feedback = new Subject<OwnershipInput>();
  const subs = keySubscriptions(client, s.tokenFor, {
    onMessage: (m) => appender.enqueue(messageEntry(m, scheduler.now())),
    onConfirmed: (id) => feedback.next({ type: 'subscribed', id }),
    onFailed: (id, e) => {
      counters.subscribeFailures++;
      s.clientOptions.logger?.warn?.('astro-rx/redis: a subscription failed', { code: (e as { code?: unknown }).code ?? 'unknown' });
      feedback.next({ type: 'subscribeFailed', id });
    },
  });
  let leaving = false;
  let onStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onStopped = resolve));
  const pending = new Set<Promise<unknown>>();
  const effect = (out: OwnershipOutput) => {
    switch (out.type) {
      case 'subscribe':
        return subs.subscribe(out.id, out.key);
      case 'unsubscribe':
        return subs.unsubscribe(out.id);
      case 'gap':
        counters.takeovers++;
        return enqueueGap(out.key.topic, out.key.room, out.from, out.to, out.cause);
      case 'stopped':
        return onStopped();
      default: {
        if (out.type === 'release' && out.handedOver) counters.handovers++;
        const p = adapter.lease(out.type, out.key, scheduler.now(), out.type === 'release' ? out.handedOver : undefined).then((r) => r && feedback.next(r), () => undefined);
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
    }
  };
  const views$: Observable<OwnershipInput> = timer(0, s.leaseMs / 3, scheduler).pipe(
    exhaustMap(() =>
      from(adapter.readView(scheduler.now(), leaving)).pipe(
        map((view): OwnershipInput => ((viewUp = true), { type: 'view', view })),
        catchError(() => ((viewUp = false), counters.viewFailures++, of<OwnershipInput>({ type: 'viewFailed' }))),
      ),
    ),
  );
  const machine = merge(views$, feedback)
    .pipe(runMachine(ownership, initialOwnership, { workerId: s.workerId, holder: s.holder, subscribeRetryMs: s.subscribeRetryMs }, scheduler, (st) => (own = st)))
    .subscribe((out) => {
      effect(out);
      publish();
    });
  const side = merge(
    client.gaps$.pipe(map((g) => subs.keys().forEach((k) => enqueueGap(k.topic, k.room, g.from, g.to, g.cause)))),
    client.state$.pipe(map((c) => ((connection = c.status), publish()))),
    client.metrics$.pipe(map((m) => (clientMetrics = m))),
    timer(0, s.leaseMs / 3, scheduler).pipe(map(() => metrics$.next(metricsNow()))),
  ).subscribe();

  function publish(): void {
    const next = snapshot();
    const prev = state$.getValue();
    if ((Object.keys(next) as Array<keyof BridgeState>).some((k) => next[k] !== prev[k])) state$.next(next);
  }
  function snapshot(): BridgeState {
    const keys = [...own.keys.values()];
    const a = appender.stats();
    return {
      status,
      workerId: s.workerId,
      owned: keys.filter((k) => k.holding).length,
      subscribed: keys.filter((k) => k.sub !== 'no').length,
      redis: viewUp && a.redisUp ? 'up' : 'down',
      buffered: a.buffered,
      connection,
    };
  }
  function metricsNow(): BridgeMetrics {
    const a = appender.stats();
    return { appended: a.appended, duplicates: a.duplicates, dropped: a.dropped, writeFailures: a.writeFailures, ...counters, ...(clientMetrics ? { client: clientMetrics } : {}) };
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      status = 'stopping';
      publish();
      leaving = true;
      feedback.next({ type: 'stop', deadline: scheduler.now() + s.stopTimeoutMs });
      await stopped;
      await Promise.allSettled([...pending]);
      await appender.drained(s.leaseMs);
      machine.unsubscribe();
      side.unsubscribe();
      subs.close();
      client.close();
      appender.close();
      conn.disconnect();
      status = 'stopped';
      metrics$.next(metricsNow());
      state$.next(snapshot());
      state$.complete();
      metrics$.complete();
    })().catch(() => undefined));
  return { stop, state$: state$.asObservable(), metrics$: metrics$.asObservable() };
}
