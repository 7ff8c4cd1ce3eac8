import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { virtualGateway } from '../../lib/testing';
import { createTestScheduler } from '../helpers/testScheduler';
import { rawSocket, sub, unsub } from '../helpers/virtualGatewayClient';

const ROOM = 'c1';
const TIPS = 'channel.tips';

interface Scheduled {
  readonly action: Subscription;
  ran: boolean;
}

/**
 * `scheduler`, recording every action the gateway schedules and whether it ran.
 * A connection holds its scheduled actions until they close: RxJS removes a
 * closed action from the subscription it was added to, and keeps any other.
 */
function recording(scheduler: SchedulerLike): { scheduler: SchedulerLike; scheduled: Scheduled[] } {
  const scheduled: Scheduled[] = [];
  const wrapped: SchedulerLike = {
    now: () => scheduler.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
      const entry = { ran: false } as { ran: boolean; action: Subscription };
      entry.action = scheduler.schedule(function (this: SchedulerAction<T>, s?: T) {
        entry.ran = true;
        work.call(this, s);
      }, delay, state);
      scheduled.push(entry);
      return entry.action;
    },
  };
  return { scheduler: wrapped, scheduled };
}

describe('virtual gateway: scheduled work on a long-lived connection', () => {
  it('lets go of each answer, welcome and rate-limit frame once it is sent (memory stays flat over hours of commands)', () => {
    const ts = createTestScheduler();
    ts.run(({ flush }) => {
      const { scheduler, scheduled } = recording(ts);
      const gw = virtualGateway({ scheduler, tokens: { tok: { channel: ROOM, scopes: '*' } }, rateLimit: { burst: 5, intervalMs: 100 } });
      const s = rawSocket(gw, ts);
      const held = (): number => scheduled.filter((e) => e.ran && !e.action.closed).length;
      const heldAt: number[] = [];
      for (let i = 0; i < 200; i++) {
        ts.schedule(() => s.send(i % 2 === 0 ? sub(`n${i}`, TIPS, ROOM) : unsub(`n${i}`, TIPS, ROOM)), 10 + i * 60);
      }
      ts.schedule(() => heldAt.push(held()), 10 + 10 * 60 + 30);
      flush();
      heldAt.push(held());
      const answered = s.responses().filter((f) => f.nonce !== undefined).length;
      const rateLimited = s.responses().filter((f) => f.error === 'rate_limit_exceeded' && f.nonce === undefined).length;
      expect(answered).toBeGreaterThan(100);
      expect(rateLimited).toBeGreaterThan(0);
      expect(scheduled.filter((e) => e.ran).length).toBeGreaterThan(200);
      // what stays held is the socket's own opening step, whatever the number of commands
      expect(heldAt).toEqual([1, 1]);
      expect(gw.connection(0).live).toBe(true);
    });
  });

  it('still cancels the work it has not done yet when the connection closes', () => {
    const ts = createTestScheduler();
    ts.run(({ flush }) => {
      const { scheduler, scheduled } = recording(ts);
      const gw = virtualGateway({ scheduler, tokens: { tok: { channel: ROOM, scopes: '*' } }, authLatencyMs: [50, 50] });
      const s = rawSocket(gw, ts);
      ts.schedule(() => s.send(sub('n1', TIPS, ROOM)), 10);
      ts.schedule(() => gw.drop(0), 20);
      flush();
      expect(s.responses()).toEqual([]);
      const notRun = scheduled.filter((e) => !e.ran);
      expect(notRun.length).toBeGreaterThan(0);
      expect(notRun.every((e) => e.action.closed)).toBe(true);
    });
  });
});
