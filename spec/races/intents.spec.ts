import { createTestScheduler } from '../helpers/testScheduler';
import { held, heldNow, race, ROOM } from './helpers';

// Last intent wins — issue #11, behaviour 5. A subscription to another topic keeps the socket open.

const TIPS = 'channel.tips';
const KEEP = 'channel.activities';

describe('races: the last intent wins', () => {
  // subscribe (t=0) → unsubscribe (t=100, takes effect at 200) → subscribe (t=110, refused: rate limit)
  const subscribeUnsubscribeSubscribe = (scheduler: ReturnType<typeof createTestScheduler>) => {
    const r = race(scheduler, { unsubscribeLatencyMs: [100, 100] });
    r.listen(KEEP, { room: ROOM });
    const first = r.listen(TIPS, { room: ROOM });
    let last: ReturnType<typeof r.listen> | undefined;
    r.at(100, () => first.subscription.unsubscribe());
    r.at(110, () => {
      r.gw.rejectNext(1);
      last = r.listen(TIPS, { room: ROOM });
    });
    return { r, last: () => last };
  };

  it('ends subscribed after subscribe, unsubscribe, subscribe with a rate limit in the middle', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r } = subscribeUnsubscribeSubscribe(scheduler);
      let end: string[] = [];
      r.at(5000, () => (end = heldNow(r.gw)));
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(r.gw.rejections).toBe(1);
      expect(end).toEqual([held(KEEP, ROOM), held(TIPS, ROOM)].sort());
    });
  });

  it('keeps delivering to the last subscriber after subscribe, unsubscribe, subscribe with a rate limit in the middle', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r, last } = subscribeUnsubscribeSubscribe(scheduler);
      r.at(5000, () => r.gw.publish(TIPS, ROOM, { n: 1 }));
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(last()?.error).toBeUndefined();
      expect(last()?.events.map((e) => e.data)).toEqual([{ n: 1 }]);
    });
  });

  it('ends with nothing held after unsubscribe, subscribe, unsubscribe', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      // the subscribe's authorization (100 ms) outlasts the unsubscribes (50 ms)
      const r = race(scheduler, { authLatencyMs: [100, 100], unsubscribeLatencyMs: [50, 50] });
      r.listen(KEEP, { room: ROOM });
      const first = r.listen(TIPS, { room: ROOM });
      let again: ReturnType<typeof r.listen> | undefined;
      r.at(500, () => first.subscription.unsubscribe());
      r.at(510, () => (again = r.listen(TIPS, { room: ROOM })));
      r.at(520, () => again?.subscription.unsubscribe());
      let end: string[] = [];
      r.at(5000, () => (end = heldNow(r.gw)));
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(end).toEqual([held(KEEP, ROOM)]);
    });
  });

  it('ends with nothing held after subscribe then unsubscribe before the answer', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { authLatencyMs: [100, 100] });
      r.listen(KEEP, { room: ROOM });
      let tips: ReturnType<typeof r.listen> | undefined;
      r.at(500, () => (tips = r.listen(TIPS, { room: ROOM })));
      r.at(510, () => tips?.subscription.unsubscribe());
      let end: string[] = [];
      r.at(5000, () => (end = heldNow(r.gw)));
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(end).toEqual([held(KEEP, ROOM)]);
    });
  });
});
