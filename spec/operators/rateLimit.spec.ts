import { map, range, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { rateLimit } from '../../lib/operators/rateLimit';
import { createTestScheduler } from '../helpers/testScheduler';

describe('rateLimit', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('lets 250 values at frame 0 leave as 100 at once, then one per 100 ms', () => {
    testScheduler.run(({ expectObservable }) => {
      const times = range(0, 250).pipe(
        rateLimit({ scheduler: testScheduler }),
        map(() => testScheduler.now()),
        toArray(),
      );
      const expected = [...Array<number>(100).fill(0), ...Array.from({ length: 150 }, (_, i) => (i + 1) * 100)];
      expectObservable(times).toBe('15000ms (t|)', { t: expected });
    });
  });

  it('delays the values beyond the burst by the interval', () => {
    testScheduler.run(({ cold, time, expectObservable }) => {
      const source = cold('  (abcd)|');
      const interval = time('-----|');
      const expected = '     (ab)-c----(d|)';
      expectObservable(source.pipe(rateLimit({ burst: 2, intervalMs: interval, scheduler: testScheduler }))).toBe(expected);
    });
  });

  it('keeps the order of values that arrive while others wait', () => {
    testScheduler.run(({ cold, time, expectObservable }) => {
      const source = cold('  ab-c-d|');
      const interval = time('---|');
      const expected = '     a--b--c--(d|)';
      expectObservable(source.pipe(rateLimit({ burst: 1, intervalMs: interval, scheduler: testScheduler }))).toBe(expected);
    });
  });

  it('lets a value that arrives after the bucket refilled leave at once', () => {
    testScheduler.run(({ cold, time, expectObservable }) => {
      const source = cold('  (ab)------c-|');
      const interval = time('---|');
      const expected = '     (ab)------c-|';
      expectObservable(source.pipe(rateLimit({ burst: 2, intervalMs: interval, scheduler: testScheduler }))).toBe(expected);
    });
  });

  it('completes after the last queued value has left', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  (abc|)');
      const expected = '     a 99ms b 99ms (c|)';
      expectObservable(source.pipe(rateLimit({ burst: 1, scheduler: testScheduler }))).toBe(expected);
    });
  });

  it('passes an error on at once', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  (abc)-#');
      const expected = '     a-----#';
      expectObservable(source.pipe(rateLimit({ burst: 1, scheduler: testScheduler }))).toBe(expected);
    });
  });

  it('cancels the pending wait and unsubscribes the source when unsubscribed', () => {
    testScheduler.run(({ cold, flush, expectObservable, expectSubscriptions }) => {
      const source = cold('  (abc)----');
      const unsub = '        50ms !';
      expectObservable(source.pipe(rateLimit({ burst: 1, scheduler: testScheduler })), unsub).toBe('a');
      expectSubscriptions(source.subscriptions).toBe('^ 49ms !');
      flush();
      expect(testScheduler.now()).toBe(50);
    });
  });

  it('gives each subscription its own full bucket', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const limited = cold('(abc)').pipe(rateLimit({ burst: 2, scheduler: testScheduler }));
      expectObservable(limited).toBe('        (ab) 96ms c');
      expectObservable(limited, '10ms ^').toBe('10ms (ab) 96ms c');
    });
  });

  it.each([
    [{ burst: 0 }, 'rateLimit: option burst must be an integer >= 1, got 0'],
    [{ burst: 2.5 }, 'rateLimit: option burst must be an integer >= 1, got 2.5'],
    [{ intervalMs: 0 }, 'rateLimit: option intervalMs must be a finite number > 0, got 0'],
    [{ intervalMs: Infinity }, 'rateLimit: option intervalMs must be a finite number > 0, got Infinity'],
  ])('throws a TypeError at creation for %p', (config, message) => {
    expect(() => rateLimit(config)).toThrow(new TypeError(message));
  });
});
