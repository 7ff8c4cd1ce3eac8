import { createTestScheduler } from '../helpers/testScheduler';
import type { TokenUpgrade } from '../../lib/testing/gateway/types';
import { lastFrameAt, race, ROOM, uncovered } from './helpers';

// A refused handover (§2, §10) — issue #11, behaviour 7.

const TIPS = 'channel.tips';

describe('races: a refused handover', () => {
  // 429 carries Retry-After 2 s; 502 has none: the backoff's first delay (1 s, no jitter) applies.
  const cases: Array<{ status: number; tokenUpgrade: TokenUpgrade; waitMs: number }> = [
    { status: 429, tokenUpgrade: { status: 429, retryAfterMs: 2000 }, waitMs: 2000 },
    { status: 502, tokenUpgrade: { status: 502 }, waitMs: 1000 },
  ];

  // The reconnect frame comes at t=1000; the token upgrade is refused at t=1001.
  const refused = (scheduler: ReturnType<typeof createTestScheduler>, tokenUpgrade: TokenUpgrade, oldSocketCloseMs = 5000) => {
    const r = race(scheduler, { tokenUpgrade, oldSocketCloseMs });
    const tips = r.listen(TIPS, { room: ROOM });
    r.at(1000, () => r.gw.drain(0));
    r.at(9000, () => r.client.close());
    return { r, tips };
  };

  it.each(cases)('opens the fresh connection no sooner than $waitMs ms after a $status refusal', ({ tokenUpgrade, waitMs }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r } = refused(scheduler, tokenUpgrade);
      scheduler.flush();
      const [first, token, fresh] = r.gw.upgrades;
      expect([first?.status, token?.status, fresh?.status, fresh?.url.includes('reconnect_token')]).toEqual([undefined, tokenUpgrade === 'accept' ? undefined : tokenUpgrade.status, undefined, false]);
      expect((fresh?.at ?? 0) - (token?.at ?? 0)).toBeGreaterThanOrEqual(waitMs);
    });
  });

  it.each(cases)('keeps delivering on the old socket after a $status refusal', ({ tokenUpgrade }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r, tips } = refused(scheduler, tokenUpgrade);
      r.at(1500, () => r.gw.publish(TIPS, ROOM, { n: 1 }));
      scheduler.flush();
      expect(r.gw.published[0]?.deliveredTo).toEqual([0]);
      expect(tips.events.map((e) => e.data)).toEqual([{ n: 1 }]);
    });
  });

  it.each(cases)('reports no gap when the old socket outlives the resubscription after a $status refusal', ({ tokenUpgrade }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r, tips } = refused(scheduler, tokenUpgrade);
      for (const at of [1500, 2500, 3500, 4500]) r.at(at, () => r.gw.publish(TIPS, ROOM, { at }));
      scheduler.flush();
      expect(r.gaps).toEqual([]);
      expect(tips.events.map((e) => e.data)).toEqual([1500, 2500, 3500, 4500].map((at) => ({ at })));
    });
  });

  it.each(cases)('reports a gap from the old socket’s last frame when it closes first after a $status refusal', ({ tokenUpgrade }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      // the gateway closes the old socket at t=1800, before the fresh connection's subscribe is answered
      const { r } = refused(scheduler, tokenUpgrade, 800);
      r.at(1500, () => r.gw.publish(TIPS, ROOM, { n: 1 }));
      scheduler.flush();
      const resubscribed = r.gw.outgoing.find((o) => o.conn === 1 && String(o.data).includes('"type":"response"'))?.at;
      expect(lastFrameAt(r.gw, 0)).toBe(1500);
      expect(r.gaps.map(({ from, to }) => ({ from, to }))).toEqual([{ from: 1500, to: resubscribed }]);
    });
  });

  it.each(cases)('loses no event silently when the old socket closes first after a $status refusal', ({ tokenUpgrade }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r, tips } = refused(scheduler, tokenUpgrade, 800);
      for (const at of [1500, 1900, 2500, 3500, 4500]) r.at(at, () => r.gw.publish(TIPS, ROOM, { at }));
      scheduler.flush();
      expect(r.gw.published.filter((p) => p.deliveredTo.length === 0).length).toBeGreaterThan(0);
      expect(uncovered(r.gw, tips, r.gaps)).toEqual([]);
    });
  });
});
