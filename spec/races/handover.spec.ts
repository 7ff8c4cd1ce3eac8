import { createTestScheduler } from '../helpers/testScheduler';
import type { VirtualGatewayOptions } from '../../lib/testing/virtualGateway';
import { held, heldNow, lastFrameAt, race, ROOM, uncovered, welcomedAt, type Listener } from './helpers';

// Token handovers — issue #11, behaviours 6 and 8.

const TIPS = 'channel.tips';
const KEEP = 'channel.activities';

describe('races: commands crossing a reconnect frame', () => {
  const cases: Array<{ name: string; gateway: Partial<VirtualGatewayOptions> }> = [
    { name: "snapshot 'reconnectFrame'", gateway: { snapshot: 'reconnectFrame' } },
    { name: "snapshot 'tokenUse'", gateway: { snapshot: 'tokenUse' } },
    // the token is used after the crossing commands took effect on the old socket
    { name: "snapshot 'tokenUse', token used 300 ms later", gateway: { snapshot: 'tokenUse', openDelayMs: 300 } },
  ];

  // r1-r5 held; at t=1000 r1, r2 are left and r6, r7 wanted (all four take 200 ms); the frame comes at t=1050.
  const crossing = (scheduler: ReturnType<typeof createTestScheduler>, gateway: Partial<VirtualGatewayOptions>) => {
    const r = race(scheduler, { authLatencyMs: [200, 200], unsubscribeLatencyMs: [200, 200], ...gateway });
    r.listen(KEEP, { room: ROOM });
    const rooms = new Map<string, Listener>(['r1', 'r2', 'r3', 'r4', 'r5'].map((room) => [room, r.listen(TIPS, { room })]));
    r.at(1000, () => {
      rooms.get('r1')?.subscription.unsubscribe();
      rooms.get('r2')?.subscription.unsubscribe();
      rooms.set('r6', r.listen(TIPS, { room: 'r6' }));
      rooms.set('r7', r.listen(TIPS, { room: 'r7' }));
    });
    r.at(1050, () => r.gw.drain(0));
    return { r, rooms };
  };

  it.each(cases)('ends holding exactly the intent on the new socket ($name)', ({ gateway }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r } = crossing(scheduler, gateway);
      let end: string[] = [];
      let restored = false;
      r.at(4000, () => {
        end = heldNow(r.gw);
        restored = r.gw.current()?.restored ?? false;
      });
      r.at(5000, () => r.client.close());
      scheduler.flush();
      expect(restored).toBe(true);
      expect(end).toEqual([held(KEEP, ROOM), ...['r3', 'r4', 'r5', 'r6', 'r7'].map((room) => held(TIPS, room))].sort());
    });
  });

  it.each(cases)('delivers to the rooms wanted across the frame, once each ($name)', ({ gateway }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r, rooms } = crossing(scheduler, gateway);
      const wanted = ['r3', 'r4', 'r5', 'r6', 'r7'];
      r.at(4000, () => wanted.forEach((room) => r.gw.publish(TIPS, room, { room })));
      r.at(5000, () => r.client.close());
      scheduler.flush();
      expect(wanted.map((room) => rooms.get(room)?.events.map((e) => e.data))).toEqual(wanted.map((room) => [{ room }]));
    });
  });
});

describe('races: the old socket closes before the new one is welcomed', () => {
  const cases: Array<{ name: string; gateway: Partial<VirtualGatewayOptions>; late: Partial<VirtualGatewayOptions> }> = [
    { name: 'closed at once, slow welcome', gateway: {}, late: { oldSocketCloseMs: 0, welcomeDelayMs: 500 } },
    { name: 'closed after 1 ms, slow welcome', gateway: {}, late: { oldSocketCloseMs: 1, welcomeDelayMs: 500 } },
    { name: 'closed at once, slow upgrade', gateway: { openDelayMs: 400 }, late: { oldSocketCloseMs: 0 } },
    { name: "closed at once, slow welcome, snapshot 'tokenUse'", gateway: { snapshot: 'tokenUse' }, late: { oldSocketCloseMs: 0, welcomeDelayMs: 500 } },
  ];

  // t=900: delivered on the old socket; t=1000: reconnect frame; t=1200: nobody holds it; t=3000: the new socket.
  const early = (scheduler: ReturnType<typeof createTestScheduler>, c: (typeof cases)[number]) => {
    const r = race(scheduler, c.gateway);
    const tips = r.listen(TIPS, { room: ROOM });
    r.at(900, () => r.gw.publish(TIPS, ROOM, { n: 1 }));
    r.at(1000, () => {
      r.gw.set(c.late);
      r.gw.drain(0);
    });
    r.at(1200, () => r.gw.publish(TIPS, ROOM, { n: 2 }));
    r.at(3000, () => r.gw.publish(TIPS, ROOM, { n: 3 }));
    r.at(4000, () => r.client.close());
    return { r, tips };
  };

  it.each(cases)('reports a gap from the old socket’s last frame to the new welcome ($name)', (c) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r } = early(scheduler, c);
      scheduler.flush();
      expect(r.gaps.map(({ from, to }) => ({ from, to }))).toEqual([{ from: lastFrameAt(r.gw, 0), to: welcomedAt(r.gw, 1) }]);
    });
  });

  it.each(cases)('loses no event silently ($name)', (c) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r, tips } = early(scheduler, c);
      scheduler.flush();
      expect(r.gw.published.filter((p) => p.deliveredTo.length === 0)).toHaveLength(1);
      expect(uncovered(r.gw, tips, r.gaps)).toEqual([]);
    });
  });
});
