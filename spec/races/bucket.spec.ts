import { createTestScheduler } from '../helpers/testScheduler';
import { bucketViolation, held, heldNow, race, type Listener } from './helpers';

// The gateway's command bucket (burst 100, one per 100 ms) — issue #11, behaviours 3 and 4.

const TIPS = 'channel.tips';
const ROOMS = Array.from({ length: 300 }, (_, i) => `r${i}`);

describe('races: the command bucket', () => {
  // 300 rooms take ~20 s to subscribe; at 5 s, with answers 5-200 ms late, several commands are in flight.
  // The slow handover: at 30 s (client bucket full again) the new socket takes 9 s to be welcomed,
  // and 200 more rooms are wanted meanwhile.
  type Race = ReturnType<typeof race>;
  const MORE = Array.from({ length: 200 }, (_, i) => `r${300 + i}`);
  const disruptions = [
    { name: 'a reconnect frame', rooms: ROOMS, disrupt: (r: Race) => r.at(5000, () => r.gw.drain(0)) },
    { name: 'a drop', rooms: ROOMS, disrupt: (r: Race) => r.at(5000, () => r.gw.drop(0)) },
    {
      name: 'a slow handover during which more rooms are wanted',
      rooms: [...ROOMS, ...MORE],
      disrupt: (r: Race) => {
        r.at(30_000, () => {
          r.gw.set({ welcomeDelayMs: 9000 });
          r.gw.drain(0);
        });
        r.at(30_010, () => MORE.forEach((room) => r.listen(TIPS, { room })));
      },
    },
  ];

  it.each(disruptions)('never exceeds the gateway bucket on any connection across $name', ({ disrupt }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { authLatencyMs: [5, 200] });
      for (const room of ROOMS) r.listen(TIPS, { room });
      disrupt(r);
      r.at(60_000, () => r.client.close());
      scheduler.flush();
      // the first send that found the replayed bucket empty, with how many commands that tick carried
      const violation = bucketViolation(r.gw.wire);
      expect(violation && { ...violation, sameTick: r.gw.wire.filter((w) => w.conn === violation.conn && w.at === violation.at).length }).toBeUndefined();
    });
  });

  it.each(disruptions)('is never rate limited across $name', ({ disrupt }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { authLatencyMs: [5, 200] });
      for (const room of ROOMS) r.listen(TIPS, { room });
      disrupt(r);
      r.at(60_000, () => r.client.close());
      scheduler.flush();
      expect(r.gw.rejections).toBe(0);
    });
  });

  it.each(disruptions)('ends holding every room across $name', ({ rooms, disrupt }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { authLatencyMs: [5, 200] });
      for (const room of ROOMS) r.listen(TIPS, { room });
      disrupt(r);
      let end: string[] = [];
      r.at(59_000, () => (end = heldNow(r.gw)));
      r.at(60_000, () => r.client.close());
      scheduler.flush();
      expect(end).toEqual(rooms.map((room) => held(TIPS, room)).sort());
    });
  });
});

describe('races: a nonce-less rate_limit_exceeded with answers out of order', () => {
  const ROOMS_12 = ROOMS.slice(0, 12);
  // Twelve subscribes leave at t=2, answered 5-200 ms later in any order; the one at t=4 is refused.
  const scenario = (scheduler: ReturnType<typeof createTestScheduler>) => {
    const r = race(scheduler, { authLatencyMs: [5, 200] });
    const listeners: Listener[] = ROOMS_12.slice(0, 11).map((room) => r.listen(TIPS, { room }));
    r.at(3, () => r.gw.rejectNext(1));
    r.at(4, () => listeners.push(r.listen(TIPS, { room: ROOMS_12[11] as string })));
    return { r, listeners };
  };

  it('ends with every subscription held', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r } = scenario(scheduler);
      let end: string[] = [];
      r.at(5000, () => (end = heldNow(r.gw)));
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(r.gw.rejections).toBe(1);
      expect(end).toEqual(ROOMS_12.map((room) => held(TIPS, room)).sort());
    });
  });

  it('errors no topic', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r, listeners } = scenario(scheduler);
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(listeners.map((l) => l.error?.code)).toEqual(ROOMS_12.map(() => undefined));
    });
  });

  it('delivers each event exactly once to every topic after both answers arrived', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r, listeners } = scenario(scheduler);
      // after the late answers to the originals (7-202 ms) and to the re-sends (after the pause)
      r.at(5000, () => ROOMS_12.forEach((room, i) => r.gw.publish(TIPS, room, { i })));
      r.at(6000, () => r.client.close());
      scheduler.flush();
      // the originals were answered late (5-200 ms after t=2), and re-sent (all unacknowledged at t=4)
      expect(r.gw.wire.filter((w) => w.command?.type === 'subscribe').length).toBeGreaterThan(12);
      expect(listeners.map((l) => l.events.map((e) => e.data))).toEqual(ROOMS_12.map((_, i) => [{ i }]));
    });
  });
});
