/**
 * No leaks: after 200 reconnect cycles against the emulator (abrupt drops and
 * graceful drains alternating; every fifth drain refuses the reconnect token, so
 * the client falls back to a fresh connection), the client holds what one
 * healthy connection needs and nothing more: one socket on the emulator, one
 * open WebSocket with the listeners of the first one, the timers of the first
 * connection, and no closed socket kept alive. Once the last subscriber has
 * left: no socket and no timer at all.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ClientRequestArgs } from 'node:http';
import { WebSocket, type ClientOptions } from 'ws';
import { SchedulerAction, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { emulatorSession } from '../helpers/emulatorSession';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { ClientMetrics, ConnectionState } from '../../lib/client/types';
import type { WebSocketCtor } from '../../lib/transport/types';
import { startEmulator } from '../../lib/testing';
import { sleep, waitUntil } from '../testing/rawClient';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** asyncScheduler, counting the actions that are armed (scheduled, not run, not cancelled). */
class TrackingScheduler implements SchedulerLike {
  readonly armed = new Set<Subscription>();
  now(): number {
    return asyncScheduler.now();
  }
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    const armed = this.armed;
    const action: Subscription = asyncScheduler.schedule(
      function (this: SchedulerAction<T>, s?: T) {
        armed.delete(action);
        work.call(this, s);
        // re-armed from inside its work (`this.schedule`)
        if (!this.closed && (this as unknown as { pending: boolean }).pending) armed.add(action);
      },
      delay,
      state,
    );
    armed.add(action);
    action.add(() => armed.delete(action));
    return action;
  }
}

const listeners = (ws: WebSocket) => Object.fromEntries(ws.eventNames().map((name) => [String(name), ws.listenerCount(name)]));

describe('no leaks over 200 reconnect cycles', () => {
  const session = emulatorSession();

  it('ends with one socket, the listeners and timers of one connection, and nothing once unsubscribed', async () => {
    session.emulator = await startEmulator({ port: 0, pingIntervalMs: 1000, drainGraceMs: 10 });
    const e = session.emulator;
    const sockets: WebSocket[] = [];
    const refs: WeakRef<WebSocket>[] = [];
    class Tracked extends WebSocket {
      constructor(url: string, options?: ClientOptions | ClientRequestArgs) {
        super(url, options);
        sockets.push(this);
        refs.push(new WeakRef(this));
      }
    }
    const scheduler = new TrackingScheduler();
    session.client = createAstroClient({
      url: e.url,
      token: e.issueToken({ channel: '*' }),
      WebSocketCtor: Tracked as unknown as WebSocketCtor,
      scheduler,
      heartbeatTimeoutMs: 5000,
      backoff: { initialDelayMs: 1, maxDelayMs: 20, minUptimeMs: 0 },
    });
    const c = session.client;
    let state: ConnectionState | undefined;
    let metrics: ClientMetrics | undefined;
    session.subs.add(c.state$.subscribe((s) => (state = s)));
    session.subs.add(c.metrics$.subscribe((m) => (metrics = m)));
    const topics = new Subscription();
    session.subs.add(topics);
    for (const [topic, room] of [['channel.tips', 'a'], ['channel.activities', 'a'], ['channel.session.update', 'b']] as const) {
      topics.add(c.topic(topic, { room }).subscribe({ error: (err: unknown) => fail(err) }));
    }
    const retired = new Set<string>();
    const healthy = () => {
      const live = e.connections().filter((x) => !x.draining);
      return live.length === 1 && live[0]?.subscriptions.length === 3 && state?.status === 'open' && state.clientId === live[0]?.clientId && !retired.has(live[0]?.clientId ?? '');
    };
    const settle = async () => {
      await waitUntil(() => healthy() && e.connections().length === 1, 3000);
      await sleep(50);
    };

    await settle();
    const baseline = { timers: scheduler.armed.size, listeners: listeners(sockets[0] as WebSocket) };
    expect(baseline.timers).toBeGreaterThan(0); // at least the heartbeat check

    let drains = 0;
    for (let cycle = 0; cycle < 200; cycle++) {
      const before = e.connections()[0]?.clientId;
      if (before) retired.add(before);
      if (cycle % 2 === 0) {
        e.faults.dropAll();
      } else {
        if (++drains % 5 === 0) e.faults.rejectNextReconnects(1);
        await e.drain();
      }
      try {
        await waitUntil(() => healthy(), 3000);
      } catch {
        throw new Error(`cycle ${cycle}: no recovery; state ${JSON.stringify(state)}, connections ${JSON.stringify(e.connections())}`);
      }
    }
    await settle();
    expect(metrics?.reconnects).toEqual(expect.objectContaining({ handover: 80, error: 100 }));
    expect(metrics?.reconnects.handover_failed).toBeGreaterThanOrEqual(20);

    // one socket on each side
    expect(e.connections()).toHaveLength(1);
    const open = sockets.filter((s) => s.readyState !== WebSocket.CLOSED);
    expect(open.map((s) => s.readyState)).toEqual([WebSocket.OPEN]);
    expect(sockets.length).toBeGreaterThanOrEqual(1 + 200 + 20); // the first, one per cycle, a fresh one per refused token
    // the live socket carries the listeners the first one had
    expect(listeners(open[0] as WebSocket)).toEqual(baseline.listeners);
    // the timers of one healthy connection: no welcome timer, retry timer or request timeout left over
    expect(scheduler.armed.size).toBe(baseline.timers);
    // closed sockets are not kept alive by the client
    sockets.length = 0;
    open.length = 0;
    for (let i = 0; i < 3; i++) {
      gc();
      await sleep(20);
    }
    const retained = refs.filter((r) => {
      const ws = r.deref();
      return ws !== undefined && ws.readyState === WebSocket.CLOSED;
    }).length;
    expect(retained).toBeLessThanOrEqual(2);

    // the last subscriber leaves: nothing at all
    topics.unsubscribe();
    await waitUntil(() => e.connections().length === 0, 3000);
    await sleep(50);
    expect(refs.filter((r) => r.deref() !== undefined && r.deref()?.readyState !== WebSocket.CLOSED)).toEqual([]);
    expect(scheduler.armed.size).toBe(0);
  }, 30_000);
});
