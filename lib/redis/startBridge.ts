/**
 * A bridge worker: serves its share of the desired set on one client and
 * appends every event to Redis Streams. This file wires the parts: the
 * ownership machine (`ownership.ts`) fed by the views of Redis (`views.ts`) and
 * by the results of its effects (`ownershipEffects.ts`), the gateway
 * subscriptions (`subscriptions.ts`), the append buffer (`appender.ts`) and the
 * status (`bridgeStatus.ts`). See docs/redis-bridge.md.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { asyncScheduler, map, merge, Subject, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { createAstroClient } from '../client/createAstroClient';
import type { AstroClient } from '../client/types';
import { runMachine } from '../operators/runMachine';
import { bridgeAdapter } from './adapter';
import { startAppender } from './appender';
import { bridgeStatus, type BridgeStatus } from './bridgeStatus';
import { bridgeConnection } from './connection';
import { gapEntry, messageEntry } from './entries';
import { redisKeys, type DesiredKey } from './keys';
import { initialOwnership, ownership, type OwnershipInput } from './ownership';
import { ownershipEffects } from './ownershipEffects';
import { bridgeSettings } from './settings';
import { keySubscriptions, type KeySubscriptions } from './subscriptions';
import type { Bridge, BridgeOptions } from './types';
import { views } from './views';

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
  const appender = startAppender({ bound: s.bufferSize, batch: 500, retryMs: Math.min(1000, s.leaseMs / 2), write: adapter.write, onChange: () => status.publish() }, scheduler);
  const status = bridgeStatus(s.workerId, appender);
  const { facts } = status;
  const gap = (key: Pick<DesiredKey, 'topic' | 'room'>, from: number, to: number, cause: string) => {
    facts.counters.gapMarkers++;
    appender.enqueue(gapEntry({ type: 'gap', topic: key.topic, room: key.room, from, to, cause }, scheduler.now()));
  };
  // the named feedback loop: subscription confirmations and lease results back into the machine
  const feedback = new Subject<OwnershipInput>();
  const subs = keySubscriptions(client, s.tokenFor, {
    onMessage: (m) => appender.enqueue(messageEntry(m, scheduler.now())),
    onConfirmed: (id) => feedback.next({ type: 'subscribed', id }),
    onFailed: (id, e) => {
      facts.counters.subscribeFailures++;
      s.clientOptions.logger?.warn?.('astro-rx/redis: a subscription failed', { code: (e as { code?: unknown }).code ?? 'unknown' });
      feedback.next({ type: 'subscribeFailed', id });
    },
  });
  let leaving = false;
  let onStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onStopped = resolve));
  const effects = ownershipEffects({ subs, adapter, counters: facts.counters, now: () => scheduler.now(), feedback: (i) => feedback.next(i), gap, stopped: () => onStopped() });
  const onRead = (ok: boolean) => {
    facts.viewUp = ok;
    if (!ok) facts.counters.viewFailures++;
  };
  const machine = merge(views(adapter, { periodMs: s.leaseMs / 3, leaving: () => leaving, onRead }, scheduler), feedback)
    .pipe(runMachine(ownership, initialOwnership, { workerId: s.workerId, holder: s.holder, subscribeRetryMs: s.subscribeRetryMs }, scheduler, (st) => (facts.own = st)))
    .subscribe((out) => {
      effects.run(out);
      status.publish();
    });
  const side = observeClient(client, subs, status, gap, s.leaseMs / 3, scheduler);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      facts.status = 'stopping';
      status.publish();
      leaving = true;
      feedback.next({ type: 'stop', deadline: scheduler.now() + s.stopTimeoutMs });
      await stopped;
      await effects.settled();
      await appender.drained(s.leaseMs);
      [machine, side].forEach((sub) => sub.unsubscribe());
      [subs, client, appender].forEach((part) => part.close());
      conn.disconnect();
      facts.status = 'stopped';
      status.complete();
    })().catch(() => undefined));
  return { stop, state$: status.state$.asObservable(), metrics$: status.metrics$.asObservable() };
}

/** The client's gaps become gap markers of every key it serves; its state and metrics go into the status. */
function observeClient(client: AstroClient, subs: KeySubscriptions, status: BridgeStatus, gap: (key: DesiredKey, from: number, to: number, cause: string) => void, metricsEveryMs: number, scheduler: SchedulerLike): Subscription {
  const { facts } = status;
  return merge(
    client.gaps$.pipe(map((g) => subs.keys().forEach((k) => gap(k, g.from, g.to, g.cause)))),
    client.state$.pipe(
      map((c) => {
        facts.connection = c.status;
        status.publish();
      }),
    ),
    client.metrics$.pipe(map((m) => (facts.clientMetrics = m))),
    timer(0, metricsEveryMs, scheduler).pipe(map(() => status.publishMetrics())),
  ).subscribe();
}
