import { createTestScheduler } from '../helpers/testScheduler';
import { held, heldNow, isUnsubscribeAll, race } from './helpers';

// Never unsubscribe every room by accident — issue #11, behaviour 2.

const TIPS = 'channel.tips';
const OTHER = 'c2';

describe('races: the room-less subscription', () => {
  describe("with defaultRoom 'tokenChannel'", () => {
    // `own` belongs to channel c1: a subscribe without room is c1 at the gateway.
    const cases = [
      { name: 'a topic() without room, left after its answer', room: undefined, leaveAt: 100 },
      { name: "a topic() with room '', left after its answer", room: '', leaveAt: 100 },
      { name: 'a topic() without room, left before its answer', room: undefined, leaveAt: 10 },
      { name: "a topic() with room '', left before its answer", room: '', leaveAt: 10 },
    ];

    it.each(cases)('never sends an unsubscribe without room for $name', ({ room, leaveAt }) => {
      const scheduler = createTestScheduler();
      scheduler.run(() => {
        const r = race(scheduler, { defaultRoom: 'tokenChannel', authLatencyMs: [50, 50] }, { token: 'own' });
        const mine = r.listen(TIPS, room === undefined ? {} : { room });
        r.listen(TIPS, { room: OTHER, token: 'tok' });
        r.at(leaveAt, () => mine.subscription.unsubscribe());
        r.at(1000, () => r.client.close());
        scheduler.flush();
        expect(r.gw.wire.filter(isUnsubscribeAll).map((w) => w.text)).toEqual([]);
      });
    });

    it.each(cases)('unsubscribes the token channel and keeps the other room for $name', ({ room, leaveAt }) => {
      const scheduler = createTestScheduler();
      scheduler.run(() => {
        const r = race(scheduler, { defaultRoom: 'tokenChannel', authLatencyMs: [50, 50] }, { token: 'own' });
        const mine = r.listen(TIPS, room === undefined ? {} : { room });
        const other = r.listen(TIPS, { room: OTHER, token: 'tok' });
        r.at(leaveAt, () => mine.subscription.unsubscribe());
        let end: string[] = [];
        r.at(900, () => {
          end = heldNow(r.gw);
          r.gw.publish(TIPS, OTHER, { n: 1 });
        });
        r.at(1000, () => r.client.close());
        scheduler.flush();
        expect(end).toEqual([held(TIPS, OTHER)]);
        expect(other.events.map((e) => e.data)).toEqual([{ n: 1 }]);
      });
    });
  });

  describe("with defaultRoom 'global'", () => {
    it('ends holding exactly the other room after the global room is left', () => {
      const scheduler = createTestScheduler();
      scheduler.run(() => {
        const r = race(scheduler, { authLatencyMs: [20, 20] });
        const global = r.listen(TIPS);
        const other = r.listen(TIPS, { room: OTHER });
        r.at(100, () => global.subscription.unsubscribe());
        let end: string[] = [];
        r.at(900, () => {
          end = heldNow(r.gw);
          r.gw.publish(TIPS, OTHER, { n: 1 });
        });
        r.at(1000, () => r.client.close());
        scheduler.flush();
        expect(end).toEqual([held(TIPS, OTHER)]);
        expect(other.events.map((e) => e.data)).toEqual([{ n: 1 }]);
      });
    });

    it('reports a gap for the other room when leaving the global room drops it', () => {
      const scheduler = createTestScheduler();
      scheduler.run(() => {
        const r = race(scheduler, { authLatencyMs: [20, 20] });
        const global = r.listen(TIPS);
        r.listen(TIPS, { room: OTHER });
        r.at(100, () => global.subscription.unsubscribe());
        r.at(1000, () => r.client.close());
        scheduler.flush();
        // Only an unsubscribe without room drops the global room, and it drops the other room too.
        expect(r.gw.wire.filter(isUnsubscribeAll)).toHaveLength(1);
        expect(r.gaps).toHaveLength(1);
        expect(r.gaps[0]?.from).toBeGreaterThanOrEqual(100);
        expect(r.gaps[0]?.to).toBeLessThanOrEqual(1000);
      });
    });
  });
});
