import { Observable, SchedulerLike, Subject, defer, filter, map, merge, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { QueueInput, QueuedCommand, commandQueue } from '../../lib/operators/commandQueue';
import { CorrelateInput, correlate } from '../../lib/operators/correlate';
import type { ClientCommand } from '../../lib/protocol/commands';
import { withNonce } from '../../lib/protocol/commands';
import type { ResponseFrame, ServerFrame } from '../../lib/protocol/frames';
import { createTestScheduler } from '../helpers/testScheduler';
import { ok, rateLimited } from './frameFixtures';
import { enqueue, pause, requeue, sub } from './queueFixtures';

// A gateway stricter than our token bucket: it accepts at most `limit` commands
// in any `windowMs` (a sliding window, deliberately not our bucket maths) and
// answers each command `latencyMs` later, in order. A command over the limit
// gets the real gateway's nonce-less rate_limit_exceeded.
interface FakeGateway {
  readonly frames: Observable<ServerFrame>;
  receive(command: ClientCommand): void;
}

function fakeGateway(scheduler: SchedulerLike, limit: number, windowMs: number, latencyMs: number): FakeGateway {
  const frames = new Subject<ServerFrame>();
  const accepted: number[] = [];
  return {
    frames,
    receive(command) {
      const now = scheduler.now();
      const recent = accepted.filter((t) => now - t < windowMs);
      const answer: ResponseFrame = recent.length < limit ? ok(command.nonce ?? '') : rateLimited;
      if (answer !== rateLimited) accepted.push(now);
      scheduler.schedule(() => frames.next(answer), latencyMs);
    },
  };
}

type Event =
  | { readonly kind: 'sent'; readonly id: number }
  | { readonly kind: 'answered'; readonly id: number }
  | { readonly kind: 'failed'; readonly id: number; readonly code: string }
  | { readonly kind: 'lost'; readonly detail: string };

// The wiring a connection does: queue → send (recorded in correlate first) →
// gateway → correlate; a rate_limit_exceeded goes back as pause + requeue.
interface Wiring {
  /** Our bucket's burst (one token per 100 ms). */
  readonly burst: number;
  readonly pauseMs: number;
  /** Feed back `requeue` before `pause` (as the connection does) instead of after. */
  readonly requeueFirst?: boolean;
}

function connection(commands: Observable<QueuedCommand>, gateway: FakeGateway, scheduler: SchedulerLike, wiring: Wiring): Observable<Event> {
  const { burst, pauseMs, requeueFirst = false } = wiring;
  return defer(() => {
    const feedback = new Subject<QueueInput>();
    const sentEvents = new Subject<CorrelateInput>();
    const inFlight = new Map<string, QueuedCommand>();

    const sends = merge(commands.pipe(map(enqueue)), feedback).pipe(
      commandQueue({ burst, intervalMs: 100, scheduler }),
      map((out): Event => {
        if (out.type !== 'send') return { kind: 'lost', detail: `${out.type} ${out.entry.id}` };
        const nonce = `n${out.entry.id}`;
        const command = withNonce(out.entry.command, nonce);
        inFlight.set(nonce, out.entry);
        sentEvents.next({ type: 'sent', nonce, command });
        gateway.receive(command);
        return { kind: 'sent', id: out.entry.id };
      }),
    );

    const responses = gateway.frames.pipe(
      filter((frame): frame is ResponseFrame => frame.type === 'response'),
      map((frame): CorrelateInput => ({ type: 'response', frame })),
    );
    const outcomes = merge(sentEvents, responses).pipe(
      correlate({ requestTimeoutMs: 10000, scheduler }),
      tap((out) => {
        const entry = out.type === 'failed' && out.error.code === 'rate_limit_exceeded' ? inFlight.get(out.nonce) : undefined;
        if (entry === undefined) return;
        const feed = requeueFirst ? [requeue(entry), pause(pauseMs)] : [pause(pauseMs), requeue(entry)];
        feed.forEach((input) => feedback.next(input));
      }),
      map((out): Event => {
        if (out.type === 'unmatched') return { kind: 'lost', detail: 'unmatched response' };
        const entry = inFlight.get(out.nonce);
        inFlight.delete(out.nonce);
        if (entry === undefined) return { kind: 'lost', detail: `unknown nonce ${out.nonce}` };
        if (out.type === 'answered') return { kind: 'answered', id: entry.id };
        return { kind: 'failed', id: entry.id, code: out.error.code };
      }),
    );

    return merge(outcomes, sends);
  });
}

describe('rate-limit recovery (commandQueue + correlate)', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('pauses, re-sends the command the gateway rejected, and gets it answered', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const [a, b, c, d] = [sub(1, 'a'), sub(2, 'b'), sub(3, 'c'), sub(4, 'd')];
      const commands = cold('(abcd)', { a, b, c, d });
      const gateway = fakeGateway(testScheduler, 2, 200, 10);
      const unsub = '         1s !';
      // 0: ours sends 1, 2, 3 (burst 3); the gateway takes 1, 2 and refuses 3.
      // 10: answers 1, 2; the nonce-less rate_limit_exceeded fails 3 (the oldest pending): pause 500 ms, requeue 3.
      // 510: the pause held 4 back too; 3 leaves first, then 4. 520: both answered.
      const expected = '       (123) 5ms (xyf) 495ms (34) 6ms (zw)';
      expectObservable(connection(commands, gateway, testScheduler, { burst: 3, pauseMs: 500 }), unsub).toBe(expected, {
        1: { kind: 'sent', id: 1 },
        2: { kind: 'sent', id: 2 },
        3: { kind: 'sent', id: 3 },
        4: { kind: 'sent', id: 4 },
        x: { kind: 'answered', id: 1 },
        y: { kind: 'answered', id: 2 },
        f: { kind: 'failed', id: 3, code: 'rate_limit_exceeded' },
        z: { kind: 'answered', id: 3 },
        w: { kind: 'answered', id: 4 },
      });
    });
  });

  it.each([
    ['pause, requeue', false],
    ['requeue, pause', true],
  ])('re-sends only after the pause when the feedback order is %s', (_order, requeueFirst) => {
    testScheduler.run(({ cold, expectObservable }) => {
      const [a, b, c] = [sub(1, 'a'), sub(2, 'b'), sub(3, 'c')];
      const commands = cold('(abc)', { a, b, c });
      const gateway = fakeGateway(testScheduler, 2, 200, 10);
      const unsub = '         1s !';
      // Our bucket (burst 5) still holds tokens at 10 ms, when 3 is refused: only the pause keeps it back.
      const expected = '       (123) 5ms (xyf) 495ms 3 9ms z';
      expectObservable(connection(commands, gateway, testScheduler, { burst: 5, pauseMs: 500, requeueFirst }), unsub).toBe(expected, {
        1: { kind: 'sent', id: 1 },
        2: { kind: 'sent', id: 2 },
        3: { kind: 'sent', id: 3 },
        x: { kind: 'answered', id: 1 },
        y: { kind: 'answered', id: 2 },
        f: { kind: 'failed', id: 3, code: 'rate_limit_exceeded' },
        z: { kind: 'answered', id: 3 },
      });
    });
  });

  it('answers every command exactly once against a much stricter gateway', () => {
    const events: Event[] = [];
    testScheduler.run(({ cold }) => {
      const entries = Array.from({ length: 20 }, (_, i) => sub(i + 1, `room-${i + 1}`));
      const commands = cold('(abcdefghijklmnopqrst)', Object.fromEntries(entries.map((e, i) => [String.fromCharCode(97 + i), e])));
      const gateway = fakeGateway(testScheduler, 2, 300, 10);
      const subscription = connection(commands, gateway, testScheduler, { burst: 5, pauseMs: 500, requeueFirst: true }).subscribe((e) => events.push(e));
      testScheduler.schedule(() => subscription.unsubscribe(), 60000);
    });
    const answered = events.filter((e) => e.kind === 'answered').map((e) => (e.kind === 'answered' ? e.id : 0));
    const failures = events.filter((e) => e.kind === 'failed');
    expect([...answered].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((e) => e.kind === 'failed' && e.code === 'rate_limit_exceeded')).toBe(true);
    expect(events.filter((e) => e.kind === 'lost')).toEqual([]);
  });
});
