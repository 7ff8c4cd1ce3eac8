import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionEvent, Intent, connect } from '../../lib/connection/connect';
import { FakeGatewayOptions, fakeGateway } from '../helpers/fakeGateway';
import { createTestScheduler } from '../helpers/testScheduler';

function setup(scheduler: TestScheduler, gw: FakeGatewayOptions = {}, subscribeRetries = 5) {
  const gateway = fakeGateway(scheduler, gw);
  const commands = new Subject<Intent>();
  let seq = 0;
  const events: Array<ConnectionEvent & { at: number }> = [];
  const connection = connect({
    url: 'ws://127.0.0.1:1',
    intents: commands,
    tokenOf: () => ({ token: 't0k3n', tokenType: 'jwt' }),
    subscribeRetries,
    openSocket: gateway.openSocket,
    scheduler,
    nonce: () => `n${++seq}`,
    backoff: { jitter: false },
    rateLimitPauseMs: 500,
  });
  const record = () => connection.subscribe((e) => events.push({ ...e, at: scheduler.now() }));
  return { gateway, commands, events, record };
}

const sub = (room: string, ref: number): Intent => ({ type: 'want', ref, topic: 'channel.tips', room, tokenRef: 1 });

describe('connect', () => {
  it('holds intents given before the welcome and sends their subscribe after it', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, commands, events, record } = setup(scheduler);
      const s = record();
      commands.next(sub('r1', 1));
      scheduler.schedule(() => s.unsubscribe(), 10);
      scheduler.flush();
      expect(gateway.link(0).sent.map((x) => x.at)).toEqual([1]);
      expect(events.map((e) => `${e.at}:${e.type}`)).toEqual(['0:connecting', '0:queue', '1:frame', '1:welcome', '1:sent', '1:queue', '2:frame', '2:answered', '2:subscribed']);
    });
  });

  it('re-sends a command the gateway rate-limited, after a pause, and delivers its success', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, commands, events, record } = setup(scheduler, { failures: ['rate_limit_exceeded'] });
      const s = record();
      scheduler.schedule(() => commands.next(sub('r1', 7)), 5);
      scheduler.schedule(() => s.unsubscribe(), 2000);
      scheduler.flush();
      // sent at 5, rejected without nonce at 6, paused 500 ms, sent again at 506, answered at 507
      expect(gateway.link(0).sent.map((x) => x.at)).toEqual([5, 506]);
      const results = events.filter((e) => e.type === 'subscribed' || e.type === 'failed');
      expect(results).toEqual([expect.objectContaining({ type: 'subscribed', refs: [7], at: 507, room: 'r1' })]);
      expect(events.filter((e) => e.type === 'rate_limited')).toHaveLength(1);
    });
  });

  it('fails a subscription with timeout when the gateway never answers and no retry is left', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { commands, events, record } = setup(scheduler, { responseDelay: 60_000 }, 0);
      const s = record();
      scheduler.schedule(() => commands.next(sub('r1', 3)), 5);
      scheduler.schedule(() => s.unsubscribe(), 20_000);
      scheduler.flush();
      const result = events.find((e) => e.type === 'failed');
      expect(result).toMatchObject({ refs: [3], at: 10_005, error: { code: 'timeout' } });
    });
  });

  it('announces a restored welcome after a token handover and a fresh one after a drop', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, events, record } = setup(scheduler);
      const s = record();
      scheduler.schedule(() => gateway.drain(gateway.link(0)), 10);
      scheduler.schedule(() => gateway.link(1).drop(), 20);
      scheduler.schedule(() => s.unsubscribe(), 5000);
      scheduler.flush();
      const welcomes = events.filter((e) => e.type === 'welcome');
      expect(welcomes.map((w) => [w.at, w.type === 'welcome' && w.restored, w.type === 'welcome' && w.gapFrom])).toEqual([
        [1, false, undefined],
        [11, true, undefined],
        [1021, false, 11],
      ]);
      expect(events.filter((e) => e.type === 'handover').map((e) => e.type === 'handover' && e.phase)).toEqual(['started', 'completed']);
    });
  });

  it('calls a socket that never welcomes dead after requestTimeoutMs', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, events, record } = setup(scheduler, { onOpen: (n) => (n === 0 ? 'silent' : 'welcome') });
      const s = record();
      scheduler.schedule(() => s.unsubscribe(), 20_000);
      scheduler.flush();
      expect(gateway.links).toHaveLength(2);
      expect(events.find((e) => e.type === 'disconnected')).toMatchObject({ at: 10_000, error: { code: 'timeout' } });
    });
  });

  it('closes the socket when unsubscribed', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, record } = setup(scheduler);
      const s = record();
      scheduler.schedule(() => s.unsubscribe(), 5);
      scheduler.flush();
      expect(gateway.link(0).closedByClient).toBe(true);
    });
  });
});
