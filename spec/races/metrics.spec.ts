import { createTestScheduler } from '../helpers/testScheduler';
import { race, ROOM } from './helpers';

// Metrics — issue #11, behaviour 14.

const TIPS = 'channel.tips';

describe('races: metrics', () => {
  it.each([1000, 1001])('counts a close with code %i and no reconnect frame in reconnects.closed', (code) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler);
      r.listen(TIPS, { room: ROOM });
      r.at(1000, () => r.gw.drop(0, code));
      let reconnects = r.metrics().reconnects;
      r.at(5000, () => (reconnects = r.metrics().reconnects));
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(r.gw.connections()).toHaveLength(2);
      expect(reconnects).toEqual({ ...reconnects, closed: 1, error: 0 });
    });
  });

  it('counts an abnormal close (1006) in reconnects.error, not in reconnects.closed', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler);
      r.listen(TIPS, { room: ROOM });
      r.at(1000, () => r.gw.drop(0, 1006));
      let reconnects = r.metrics().reconnects;
      r.at(5000, () => (reconnects = r.metrics().reconnects));
      r.at(6000, () => r.client.close());
      scheduler.flush();
      expect(reconnects).toEqual({ ...reconnects, closed: 0, error: 1 });
    });
  });

  it('does not count commands in flight in queue.depth', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      // five subscribes leave at t=2 and are answered at t=502
      const r = race(scheduler, { authLatencyMs: [500, 500] });
      for (const room of ['r1', 'r2', 'r3', 'r4', 'r5']) r.listen(TIPS, { room });
      let depth = -1;
      let inFlight = -1;
      r.at(100, () => {
        depth = r.metrics().queue.depth;
        inFlight = r.gw.wire.length - r.gw.outgoing.filter((o) => String(o.data).includes('"type":"response"')).length;
      });
      r.at(1000, () => r.client.close());
      scheduler.flush();
      expect(inFlight).toBe(5);
      expect(depth).toBe(0);
    });
  });

  it('counts commands waiting for the bucket in queue.depth', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      // the bucket lets 98 leave at t=2; 22 wait, and none has left again by t=50
      const r = race(scheduler, { authLatencyMs: [500, 500] });
      for (let i = 0; i < 120; i++) r.listen(TIPS, { room: `r${i}` });
      let depth = -1;
      r.at(50, () => (depth = r.metrics().queue.depth));
      r.at(1000, () => r.client.close());
      scheduler.flush();
      expect(r.gw.wire.filter((w) => w.at <= 50)).toHaveLength(98);
      expect(depth).toBe(22);
    });
  });
});
