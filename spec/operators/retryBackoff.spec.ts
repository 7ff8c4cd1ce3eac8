import { EMPTY, NEVER, Observable, defer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AstroError } from '../../lib/errors/astroError';
import { RetryInfo, retryBackoff } from '../../lib/operators/retryBackoff';
import { createTestScheduler } from '../helpers/testScheduler';

const dropped = new AstroError('transport', 'socket closed abnormally');

/** A source whose n-th subscription is the n-th observable. */
function attempts<T>(...sources: Observable<T>[]): Observable<T> {
  let n = 0;
  return defer(() => sources[n++] ?? NEVER);
}

describe('retryBackoff', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('waits 1s, 2s, 4s, 8s, 16s, 30s, 30s between attempts without jitter', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const socket = cold('#', undefined, dropped);
      const expected = '    91000ms #';
      const subs = [
        '                 (^!)',
        '                 1000ms (^!)',
        '                 3000ms (^!)',
        '                 7000ms (^!)',
        '                 15000ms (^!)',
        '                 31000ms (^!)',
        '                 61000ms (^!)',
        '                 91000ms (^!)',
      ];
      const result = socket.pipe(retryBackoff({ jitter: false, maxAttempts: 7, scheduler: testScheduler }));
      expectObservable(result).toBe(expected, undefined, dropped);
      expectSubscriptions(socket.subscriptions).toBe(subs);
    });
  });

  it('scales each delay by random() with full jitter', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const socket = cold('#', undefined, dropped);
      const expected = '    3500ms #';
      const subs = ['       (^!)', '500ms (^!)', '1500ms (^!)', '3500ms (^!)'];
      const result = socket.pipe(retryBackoff({ random: () => 0.5, maxAttempts: 3, scheduler: testScheduler }));
      expectObservable(result).toBe(expected, undefined, dropped);
      expectSubscriptions(socket.subscriptions).toBe(subs);
    });
  });

  it('reports each retry to onRetry before waiting', () => {
    const infos: RetryInfo[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const socket = cold('#', undefined, dropped);
      const result = socket.pipe(
        retryBackoff({ jitter: false, maxAttempts: 3, onRetry: (info) => infos.push(info), scheduler: testScheduler }),
      );
      expectObservable(result).toBe('7000ms #', undefined, dropped);
    });
    expect(infos).toEqual([
      { attempt: 1, delayMs: 1000, error: dropped },
      { attempt: 2, delayMs: 2000, error: dropped },
      { attempt: 3, delayMs: 4000, error: dropped },
    ]);
  });

  it('keeps backing off after a healthy attempt that fails within minUptimeMs', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const socket = cold('w 999ms #', { w: 'welcome' }, dropped);
      const expected = '    w 1999ms w 2999ms w 999ms #';
      const subs = ['       ^ 999ms !', '2000ms ^ 999ms !', '5000ms ^ 999ms !'];
      const result = socket.pipe(
        retryBackoff({ jitter: false, maxAttempts: 2, isHealthy: (v) => v === 'welcome', scheduler: testScheduler }),
      );
      expectObservable(result).toBe(expected, { w: 'welcome' }, dropped);
      expectSubscriptions(socket.subscriptions).toBe(subs);
    });
  });

  it('starts again from initialDelayMs after an attempt that stayed up for minUptimeMs', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const refused = cold('     #', undefined, dropped);
      const lasting = cold('     w 4999ms #', { w: 'welcome' }, dropped);
      const refusedAgain = cold('#', undefined, dropped);
      const healthy = cold('     w', { w: 'welcome' });
      const unsub = '            10000ms !';
      const expected = '          1000ms w 7999ms w';
      const result = attempts(refused, lasting, refusedAgain, healthy).pipe(
        retryBackoff({ jitter: false, minUptimeMs: 5000, isHealthy: (v) => v === 'welcome', scheduler: testScheduler }),
      );
      expectObservable(result, unsub).toBe(expected, { w: 'welcome' });
      expectSubscriptions(refused.subscriptions).toBe('      (^!)');
      expectSubscriptions(lasting.subscriptions).toBe('      1000ms ^ 4999ms !');
      expectSubscriptions(refusedAgain.subscriptions).toBe('7000ms (^!)');
      expectSubscriptions(healthy.subscriptions).toBe('     9000ms ^ 999ms !');
    });
  });

  it('does not reset for an attempt that only emitted unhealthy values', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const socket = cold('o 9999ms #', { o: 'open' }, dropped);
      const unsub = '      25000ms !';
      const expected = '    o 10999ms o 11999ms o';
      const subs = ['       ^ 9999ms !', '11000ms ^ 9999ms !', '23000ms ^ 1999ms !'];
      const result = socket.pipe(retryBackoff({ jitter: false, isHealthy: (v) => v === 'welcome', scheduler: testScheduler }));
      expectObservable(result, unsub).toBe(expected, { o: 'open' });
      expectSubscriptions(socket.subscriptions).toBe(subs);
    });
  });

  it('waits at least retryAfterMs of an AstroError', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const tooMany = new AstroError('upgrade_refused', 'gateway answered HTTP 429', { status: 429, retryAfterMs: 2000 });
      const socket = cold('#', undefined, tooMany);
      const expected = '    2000ms #';
      const subs = ['       (^!)', '2000ms (^!)'];
      const result = socket.pipe(retryBackoff({ jitter: false, initialDelayMs: 1000, maxAttempts: 1, scheduler: testScheduler }));
      expectObservable(result).toBe(expected, undefined, tooMany);
      expectSubscriptions(socket.subscriptions).toBe(subs);
    });
  });

  it('rethrows err_unauthorized without retrying', () => {
    const onRetry = jest.fn();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const unauthorized = new AstroError('err_unauthorized', 'token rejected');
      const socket = cold('-#', undefined, unauthorized);
      expectObservable(socket.pipe(retryBackoff({ onRetry, scheduler: testScheduler }))).toBe('-#', undefined, unauthorized);
      expectSubscriptions(socket.subscriptions).toBe('^!');
    });
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('rethrows at once an error that shouldRetry rejects', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const bug = new TypeError('bad frame handler');
      const socket = cold('-#', undefined, bug);
      const result = socket.pipe(retryBackoff({ shouldRetry: (e) => !(e instanceof TypeError), scheduler: testScheduler }));
      expectObservable(result).toBe('-#', undefined, bug);
      expectSubscriptions(socket.subscriptions).toBe('^!');
    });
  });

  it('rethrows the error after maxAttempts retries in a row', () => {
    testScheduler.run(({ cold, time, expectObservable, expectSubscriptions }) => {
      const socket = cold('-#', undefined, dropped);
      const wait = time('  ---|');
      const expected = '   ---------#';
      const subs = ['      ^!', '----^!', '--------^!'];
      const result = socket.pipe(retryBackoff({ jitter: false, initialDelayMs: wait, factor: 1, maxAttempts: 2, scheduler: testScheduler }));
      expectObservable(result).toBe(expected, undefined, dropped);
      expectSubscriptions(socket.subscriptions).toBe(subs);
    });
  });

  it('passes completion through', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const socket = cold('a-|');
      expectObservable(socket.pipe(retryBackoff({ scheduler: testScheduler }))).toBe('a-|');
    });
  });

  it('cancels the wait when unsubscribed during it', () => {
    testScheduler.run(({ cold, flush, expectObservable, expectSubscriptions }) => {
      const socket = cold('-#', undefined, dropped);
      const unsub = '      500ms !';
      expectObservable(socket.pipe(retryBackoff({ jitter: false, scheduler: testScheduler })), unsub).toBe('-');
      expectSubscriptions(socket.subscriptions).toBe('^!');
      flush();
      // The retry timer (due at 1001 ms) was removed: virtual time stopped at the unsubscription.
      expect(testScheduler.now()).toBe(500);
    });
  });

  it('cuts the wait short when the wakeup emits', () => {
    testScheduler.run(({ cold, hot, expectSubscriptions, flush }) => {
      const wakeup = hot('      300ms w');
      const socket = cold('#', undefined, dropped);
      socket.pipe(retryBackoff({ jitter: false, maxAttempts: 1, wakeup, scheduler: testScheduler })).subscribe({ error: () => undefined });
      flush();
      expectSubscriptions(socket.subscriptions).toBe(['(^!)', '300ms (^!)']);
    });
  });

  it('keeps waiting when the wakeup completes without emitting', () => {
    testScheduler.run(({ cold, expectSubscriptions, flush }) => {
      const socket = cold('#', undefined, dropped);
      socket.pipe(retryBackoff({ jitter: false, maxAttempts: 1, wakeup: EMPTY, scheduler: testScheduler })).subscribe({ error: () => undefined });
      flush();
      expectSubscriptions(socket.subscriptions).toBe(['(^!)', '1000ms (^!)']);
    });
  });

  it('counts attempts per subscription when one operator is reused', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const retrying = retryBackoff({ jitter: false, maxAttempts: 1, scheduler: testScheduler });
      const first = cold('#', undefined, dropped);
      const second = cold('#', undefined, dropped);
      expectObservable(first.pipe(retrying)).toBe('         1000ms #', undefined, dropped);
      expectObservable(second.pipe(retrying), '500ms ^').toBe('1500ms #', undefined, dropped);
      expectSubscriptions(first.subscriptions).toBe(['  (^!)', '1000ms (^!)']);
      expectSubscriptions(second.subscriptions).toBe(['500ms (^!)', '1500ms (^!)']);
    });
  });

  it.each([
    [{ minUptimeMs: -1 }, 'retryBackoff: option minUptimeMs must be a finite number >= 0, got -1'],
    [{ maxAttempts: 1.5 }, 'retryBackoff: option maxAttempts must be an integer >= 0 (or Infinity), got 1.5'],
    [{ initialDelayMs: Number.NaN }, 'retryBackoff: option initialDelayMs must be a finite number >= 0, got NaN'],
    [{ shouldRetry: true }, 'retryBackoff: option shouldRetry must be a function, got true'],
    [{ onRetry: 'log' }, 'retryBackoff: option onRetry must be a function, got "log"'],
    [{ scheduler: {} }, 'retryBackoff: option scheduler must be a SchedulerLike (with now() and schedule()), got {}'],
  ])('throws a TypeError at creation for %p', (config, message) => {
    expect(() => retryBackoff(config as never)).toThrow(new TypeError(message));
  });
});
