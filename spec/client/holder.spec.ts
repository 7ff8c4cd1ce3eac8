import { Observable, config, finalize } from 'rxjs';
import { framesStream, holder } from '../../lib/client/holder';
import { ClientOutputs } from '../../lib/client/outputs';
import { safeLogger } from '../../lib/util/logger';
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
    const h = holder(connection$);
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
      const h = holder(new Observable<never>((s) => s.error(new Error('boom'))));
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
