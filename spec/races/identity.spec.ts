import { createTestScheduler } from '../helpers/testScheduler';
import { commands, held, heldNow, race, ROOM, type Listener } from './helpers';

// One subscription identity: (topic, canonical room, token) — issue #11, behaviour 1.

const TIPS = 'channel.tips';
const KEEP = 'channel.activities';
// Small buckets on both sides, so that commands meet in the queue.
const TIGHT = { gateway: { rateLimit: { burst: 4, intervalMs: 1000 } }, client: { rateLimit: { burst: 4, intervalMs: 1000, reserve: 0 } } };

describe('races: one subscription identity', () => {
  // Both subscribes wait in the queue together: the 4-command bucket was spent on other rooms at t=2.
  const twoTokens = (r: ReturnType<typeof race>, weakFirst = false) => {
    for (const room of ['f1', 'f2', 'f3', 'f4']) r.listen(KEEP, { room });
    const out = new Map<'strong' | 'weak', Listener>();
    r.at(100, () => {
      for (const k of weakFirst ? (['weak', 'strong'] as const) : (['strong', 'weak'] as const)) {
        out.set(k, r.listen(TIPS, { room: ROOM, ...(k === 'weak' ? { token: 'weak' } : {}) }));
      }
    });
    const get = (k: 'strong' | 'weak') => () => out.get(k) ?? fail(`${k} never subscribed`);
    return { strong: get('strong'), weak: get('weak') };
  };
  const fail = (message: string): never => {
    throw new Error(message);
  };

  it('never merges queued subscribes that differ only by token', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { authLatencyMs: [10, 10], ...TIGHT.gateway }, TIGHT.client);
      twoTokens(r);
      r.at(5000, () => r.client.close());
      scheduler.flush();
      const tokens = r.gw.wire.filter((w) => w.command?.type === 'subscribe' && w.command.topic === TIPS).map((w) => w.command?.token);
      expect(tokens.sort()).toEqual(['tok', 'weak']);
    });
  });

  it('errors the topic whose token lacks the scope with err_unauthorized', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { authLatencyMs: [10, 10], ...TIGHT.gateway }, TIGHT.client);
      const { weak } = twoTokens(r);
      r.at(5000, () => r.client.close());
      scheduler.flush();
      expect(weak().error?.code).toBe('err_unauthorized');
    });
  });

  it('keeps delivering to the token with the scope when the other, queued first, is refused', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { authLatencyMs: [10, 10], ...TIGHT.gateway }, TIGHT.client);
      const { strong } = twoTokens(r, true);
      r.at(4000, () => r.gw.publish(TIPS, ROOM, { n: 1 }));
      r.at(5000, () => r.client.close());
      scheduler.flush();
      expect(strong().error).toBeUndefined();
      expect(strong().events.map((e) => e.data)).toEqual([{ n: 1 }]);
    });
  });

  // The alias 'alias' is learned from the answer to an earlier subscribe (canonical room c1).
  // Then (t=20) the canonical room is subscribed; by then the 4-command bucket is empty until t≈1000.
  const learnAlias = (r: ReturnType<typeof race>) => {
    r.listen(KEEP, { room: ROOM });
    const first = r.listen(TIPS, { room: 'alias' });
    r.at(10, () => first.subscription.unsubscribe());
    let canonical: ReturnType<typeof r.listen> | undefined;
    r.at(20, () => (canonical = r.listen(TIPS, { room: ROOM })));
    return { leave: () => canonical?.subscription.unsubscribe() };
  };

  it('sends nothing for a queued unsubscribe of the canonical room met by a subscribe of its alias', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { aliases: { alias: ROOM }, ...TIGHT.gateway }, TIGHT.client);
      const canonical = learnAlias(r);
      let before = 0;
      r.at(100, () => {
        before = r.gw.wire.length;
        canonical.leave();
        r.listen(TIPS, { room: 'alias' });
      });
      let after: string[] = [];
      r.at(5000, () => (after = commands(r.gw).slice(before)));
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(before).toBe(4);
      expect(after).toEqual([]);
    });
  });

  it('ends holding the subscription when an alias subscribe meets a queued unsubscribe of its canonical room', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { aliases: { alias: ROOM }, ...TIGHT.gateway }, TIGHT.client);
      const canonical = learnAlias(r);
      let viaAlias: ReturnType<typeof r.listen> | undefined;
      r.at(100, () => {
        canonical.leave();
        viaAlias = r.listen(TIPS, { room: 'alias' });
      });
      let end: string[] = [];
      r.at(5000, () => {
        end = heldNow(r.gw);
        r.gw.publish(TIPS, ROOM, { n: 1 });
      });
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(end).toEqual([held(KEEP, ROOM), held(TIPS, ROOM)].sort());
      expect(viaAlias?.events.map((e) => e.data)).toEqual([{ n: 1 }]);
    });
  });

  it('sends nothing for a subscribe of an alias met by an unsubscribe of its canonical room', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { aliases: { alias: ROOM }, ...TIGHT.gateway }, TIGHT.client);
      const canonical = learnAlias(r);
      let before = 0;
      r.at(100, () => {
        before = r.gw.wire.length;
        r.listen(TIPS, { room: 'alias' });
        canonical.leave();
      });
      let after: string[] = [];
      let end: string[] = [];
      r.at(5000, () => {
        after = commands(r.gw).slice(before);
        end = heldNow(r.gw);
      });
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(after).toEqual([]);
      expect(end).toEqual([held(KEEP, ROOM), held(TIPS, ROOM)].sort());
    });
  });

  it('ends holding exactly the intent when a room left before a drop is wanted again after it', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const rooms = Array.from({ length: 300 }, (_, i) => `r${i}`);
      const r = race(scheduler, { authLatencyMs: [5, 200] });
      const listeners = new Map(rooms.map((room) => [room, r.listen(TIPS, { room })]));
      // r5 and r250 are left while the queue is busy (r250 not even sent yet), then the socket drops.
      r.at(5000, () => {
        listeners.get('r5')?.subscription.unsubscribe();
        listeners.get('r250')?.subscription.unsubscribe();
      });
      r.at(5001, () => r.gw.drop(0));
      // wanted again while disconnected (r5) and while the bulk re-subscribe runs (r250)
      r.at(5500, () => listeners.set('r5', r.listen(TIPS, { room: 'r5' })));
      r.at(6100, () => listeners.set('r250', r.listen(TIPS, { room: 'r250' })));
      let end: string[] = [];
      r.at(60_000, () => {
        end = heldNow(r.gw);
        r.gw.publish(TIPS, 'r5', { n: 5 });
        r.gw.publish(TIPS, 'r250', { n: 250 });
      });
      r.at(61_000, () => r.client.close());
      scheduler.flush();
      expect(end).toEqual(rooms.map((room) => held(TIPS, room)).sort());
      expect(listeners.get('r5')?.events.map((e) => e.data)).toEqual([{ n: 5 }]);
      expect(listeners.get('r250')?.events.map((e) => e.data)).toEqual([{ n: 250 }]);
    });
  });
});
