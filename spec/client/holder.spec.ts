import { Observable, config, finalize, type Subscriber } from 'rxjs';
import { framesStream, holder } from '../../lib/client/holder';
import { AstroError } from '../../lib/errors/astroError';
import { ClientOutputs } from '../../lib/client/outputs';
import { safeLogger } from '../../lib/util/logger';
import { createTestScheduler } from '../helpers/testScheduler';
import type { ServerFrame } from '../../lib/protocol/frames';

const ping = { type: 'ping' } as unknown as ServerFrame;

function counted() {
  const counts = { holds: 0, releases: 0 };
  return { counts, hold: () => counts.holds++, release: () => counts.releases++ };
}

describe('holder', () => {
  it('subscribes the connection on the first hold and unsubscribes after the last release', () => {
    const counts = { subscribed: 0, finalized: 0 };
    const connection$ = new Observable<never>(() => {
      counts.subscribed++;
    }).pipe(finalize(() => counts.finalized++));
    const h = holder(connection$, createTestScheduler());
    h.hold();
    h.hold();
    expect(counts).toEqual({ subscribed: 1, finalized: 0 });
    h.release();
    expect(counts).toEqual({ subscribed: 1, finalized: 0 });
    h.release();
    expect(counts).toEqual({ subscribed: 1, finalized: 1 });
    h.hold();
    expect(counts).toEqual({ subscribed: 2, finalized: 1 });
  });

  it('swallows the connection error (the topics report it): nothing is reported as unhandled', () => {
    const unhandled: unknown[] = [];
    const saved = config.onUnhandledError;
    config.onUnhandledError = (e) => unhandled.push(e);
    jest.useFakeTimers();
    try {
      const h = holder(new Observable<never>((s) => s.error(new Error('boom'))), createTestScheduler());
      h.hold();
      h.release();
      jest.runAllTimers();
      // the same connection without the holder's error handler: the check can fail
      new Observable<never>((s) => s.error(new Error('control'))).subscribe({});
      jest.runAllTimers();
    } finally {
      jest.useRealTimers();
      config.onUnhandledError = saved;
    }
    expect(unhandled.map((e) => (e as Error).message)).toEqual(['control']);
  });
});

describe('framesStream', () => {
  it('completes at once on a closed client, holding nothing', () => {
    const out = new ClientOutputs(safeLogger(undefined));
    out.close();
    const { counts, hold, release } = counted();
    const events: string[] = [];
    framesStream(out, hold, release).subscribe({ next: () => events.push('next'), complete: () => events.push('complete') });
    expect(events).toEqual(['complete']);
    expect(counts).toEqual({ holds: 0, releases: 0 });
  });

  it('holds while subscribed, delivers frames, and releases and stops on unsubscribe', () => {
    const out = new ClientOutputs(safeLogger(undefined));
    const { counts, hold, release } = counted();
    const seen: ServerFrame[] = [];
    const sub = framesStream(out, hold, release).subscribe((f) => seen.push(f));
    expect(counts).toEqual({ holds: 1, releases: 0 });
    out.frames.next(ping);
    expect(seen).toEqual([ping]);
    sub.unsubscribe();
    expect(counts).toEqual({ holds: 1, releases: 1 });
    expect(out.frames.observed).toBe(false);
    out.frames.next(ping);
    expect(seen).toEqual([ping]);
  });
});

describe('holder after a failure', () => {
  /** A connection whose subscriptions are counted, and each can be failed by hand. */
  function failable() {
    const subscribers: Array<Subscriber<never>> = [];
    return { subscribers, connection$: new Observable<never>((s) => void subscribers.push(s)) };
  }

  /** A holder held once, whose connection then failed. */
  function heldThenFailed() {
    const scheduler = createTestScheduler();
    const { subscribers, connection$ } = failable();
    const h = holder(connection$, scheduler);
    h.hold();
    subscribers[0]?.error(new Error('gone'));
    return { scheduler, subscribers, h };
  }

  it('subscribes anew at the next scheduler turn while something still holds', () => {
    const { scheduler, subscribers, h } = heldThenFailed();
    expect(subscribers).toHaveLength(1);
    scheduler.flush();
    expect(subscribers).toHaveLength(2);
    h.release();
    expect(subscribers[1]?.closed).toBe(true);
  });

  it('does not subscribe anew when everything let go before the next turn', () => {
    const { scheduler, subscribers, h } = heldThenFailed();
    h.release();
    scheduler.flush();
    expect(subscribers).toHaveLength(1);
  });

  it('a hold after the failure, before the next turn, subscribes at once, and only once', () => {
    const { scheduler, subscribers, h } = heldThenFailed();
    h.release();
    h.hold();
    expect(subscribers).toHaveLength(2);
    scheduler.flush();
    expect(subscribers).toHaveLength(2);
  });

  it('a connection that fails while subscribing is not held: the next hold subscribes again', () => {
    const scheduler = createTestScheduler();
    let subscribed = 0;
    const h = holder(new Observable<never>((s) => (++subscribed === 1 ? s.error(new Error('at once')) : undefined)), scheduler);
    h.hold();
    h.hold();
    expect(subscribed).toBe(2);
  });
});

describe('framesStream after a failure', () => {
  it('ends with the failure and releases its hold', () => {
    const out = new ClientOutputs(safeLogger(undefined));
    const { counts, hold, release } = counted();
    const errors: unknown[] = [];
    framesStream(out, hold, release).subscribe({ error: (e) => errors.push(e) });
    const failure = new AstroError('transport', 'for good');
    out.failures.next(failure);
    expect(errors).toEqual([failure]);
    expect(counts).toEqual({ holds: 1, releases: 1 });
    expect(out.failures.observed).toBe(false);
  });
});
