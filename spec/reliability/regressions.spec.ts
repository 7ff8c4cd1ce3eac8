/**
 * Minimal, deterministic reproductions of what the fuzzer (fuzz.spec.ts) and the
 * chaos soak (soak/) found, on the fake gateway and virtual time.
 */
import { TestScheduler } from 'rxjs/testing';
import { Subscription } from 'rxjs';
import * as E from 'fp-ts/Either';
import type { AstroClientOptions, ClientMetrics, Gap } from '../../lib/client/types';
import type { AstroError } from '../../lib/errors/astroError';
import { decodeFrame } from '../../lib/protocol/decode';
import type { FakeGatewayOptions, FakeLink } from '../helpers/fakeGateway';
import { runScenario } from './helpers/chaosScenario';
import { createTestScheduler } from '../helpers/testScheduler';
import { clientOnFakeGateway } from '../helpers/clientOnFakeGateway';

function setup(scheduler: TestScheduler, gw: FakeGatewayOptions = {}, opts: AstroClientOptions = {}) {
  const { gateway, client } = clientOnFakeGateway(scheduler, gw, opts);
  let metrics: ClientMetrics | undefined;
  client.metrics$.subscribe((m) => (metrics = m));
  return { gateway, client, metrics: () => metrics as ClientMetrics };
}

const at = (scheduler: TestScheduler, ms: number, work: () => void) => scheduler.schedule(work, ms);
const subscribes = (link: FakeLink) => link.sent.filter((s) => s.command.type === 'subscribe').map((s) => `${s.command.data.topic}/${s.command.data.room ?? '*'}`);
const tip = { donation: { amount: 1, currency: 'USD' } };

describe('regressions', () => {
  it('a subscribe retry whose backoff ends while no session is up does not spin the scheduler (fuzz: hung at one virtual instant)', () => {
    // err_deadline_exceeded schedules a retry at once (no jitter left); the drop that follows leaves no session:
    // the backoff must wait for the next session instead of asking for a tick now, again and again.
    const outcome = runScenario({
      initial: [3],
      steps: [
        { t: 'welcome', target: 2 },
        { t: 'answer', target: 2, which: 0, outcome: 'err_deadline_exceeded', nonce: 'echo' },
        { t: 'drop', target: 2, code: 4001 },
      ],
    });
    expect(outcome.violations).toEqual([]);
  });

  it('a handover that starts before the first welcome still subscribes (no topic hangs on a "restored" empty session)', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler);
      const received: string[] = [];
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe((m) => received.push(m.id ?? ''));
      // The node sends `reconnect` before it has welcomed the socket, and the socket is lost before its welcome:
      // the token socket restores nothing, since nothing was ever subscribed.
      at(scheduler, 0, () => {
        gateway.drain(gateway.link(0));
        gateway.link(0).drop(1001);
      });
      at(scheduler, 100, () => gateway.publish('channel.tips', 'r1', tip, 'T'));
      at(scheduler, 200, () => sub.unsubscribe());
      scheduler.flush();
      expect(gateway.link(1).url).toContain('reconnect_token=');
      expect(subscribes(gateway.link(1))).toEqual(['channel.tips/r1']);
      expect(received).toEqual(['T']);
    });
  });

  it('a disconnect during the re-subscribe after a disconnect keeps the first gap start (no window goes unreported)', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      // one command per 100 ms: re-subscribing three rooms takes 200 ms
      const { gateway, client, metrics } = setup(scheduler, {}, { rateLimit: { burst: 1, intervalMs: 100 } });
      const gaps: Gap[] = [];
      client.gaps$.subscribe((g) => gaps.push(g));
      const subs = new Subscription();
      for (const room of ['a', 'b', 'c']) subs.add(client.topic('channel.activities', { room }).subscribe());
      // subscribed at 1, 101, 201; the last frame of link 0 is the response at 202
      at(scheduler, 1000, () => gateway.link(0).drop());
      // link 1 is welcomed at 2001 and re-subscribes room a only, then it is lost too
      at(scheduler, 2050, () => gateway.link(1).drop());
      at(scheduler, 10_000, () => subs.unsubscribe());
      scheduler.flush();
      expect(subscribes(gateway.link(1))).toEqual(['channel.activities/a']);
      expect(subscribes(gateway.link(2))).toEqual(['channel.activities/a', 'channel.activities/b', 'channel.activities/c']);
      // rooms b and c missed everything since 202: some reported window must start there
      expect(gaps.length).toBeGreaterThan(0);
      expect(Math.min(...gaps.map((g) => g.from))).toBe(202);
      expect(metrics().gaps).toBe(gaps.length);
    });
  });

  it('queue.depth returns to 0 when the socket closes with commands in flight', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client, metrics } = setup(scheduler);
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe();
      // welcomed and subscribe sent at 1; the user leaves before the response (due at 2)
      at(scheduler, 1, () => sub.unsubscribe());
      scheduler.flush();
      expect(gateway.link(0).closedByClient).toBe(true);
      expect(metrics().activeSubscriptions).toBe(0);
      expect(metrics().queue.depth).toBe(0);
    });
  });

  it('a message frame without data is a decode failure, not an event with data undefined', () => {
    expect(E.isLeft(decodeFrame('{"type":"message","topic":"channel.tips","room":"r1"}'))).toBe(true);
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler);
      const received: unknown[] = [];
      const warnings: AstroError[] = [];
      client.warnings$.subscribe((w) => warnings.push(w));
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe((m) => received.push(m.data));
      at(scheduler, 5, () => gateway.link(0).push('{"type":"message","topic":"channel.tips","room":"r1"}'));
      at(scheduler, 10, () => sub.unsubscribe());
      scheduler.flush();
      expect(received).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['decode']);
    });
  });

  it('metrics$ replays the current counters to a late subscriber, messages included', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler);
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe();
      at(scheduler, 5, () => {
        for (let i = 0; i < 5; i++) gateway.publish('channel.tips', 'r1', tip, `M${i}`);
      });
      let late: ClientMetrics | undefined;
      at(scheduler, 10, () => client.metrics$.subscribe((m) => (late = m)).unsubscribe());
      at(scheduler, 20, () => sub.unsubscribe());
      scheduler.flush();
      expect(late?.messages).toBe(5);
      expect(late?.commandsSent).toBe(1);
    });
  });

  // Keys of helpers/chaosScenario: 0 = channel.tips/a, 1 = channel.tips/b, 5 = channel.activities/alias (canonical c).
  it('a rate-limited unsubscribe is not re-sent after a newer subscribe of the same room (which it would undo)', () => {
    const { violations } = runScenario({
      initial: [5, 0],
      steps: [
        { t: 'advance', ms: 5 },
        // the user leaves alias and comes back at once: unsubscribe and subscribe go out back to back
        { t: 'unsubscribe', which: 0 },
        { t: 'subscribe', key: 5 },
        // the gateway drops the unsubscribe with a nonce-less rate_limit_exceeded; the subscribe succeeds
        { t: 'answer', target: 0, which: 0, outcome: 'ok', nonce: 'omit' },
      ],
    });
    expect(violations).toEqual([]);
  });

  it('a response without nonce and without error does not confirm a pending subscribe (only rate_limit_exceeded comes without nonce)', () => {
    const { violations } = runScenario({
      initial: [0, 1],
      steps: [
        { t: 'autoAnswer', on: false },
        { t: 'advance', ms: 5 },
        { t: 'garbage', target: 0, text: '{"type":"response","data":{"message":"successfully subscribed to topic"}}' },
      ],
    });
    expect(violations).toEqual([]);
  });
});
