import { Observable, Subject, finalize, of } from 'rxjs';
import { AstroError, isAstroError } from '../../lib/errors/astroError';
import { EachEventOptions, eachEvent } from '../../lib/client/eachEvent';

/** A Subject whose subscriptions are counted, and whose teardowns are counted through `finalize`. */
function tracked<T>() {
  const subject = new Subject<T>();
  const counts = { subscribed: 0, finalized: 0 };
  const source = new Observable<T>((subscriber) => {
    counts.subscribed += 1;
    return subject.subscribe(subscriber);
  }).pipe(finalize(() => (counts.finalized += 1)));
  return { subject, source, counts };
}

function iteratorOf<T>(source: Observable<T>, options?: EachEventOptions): AsyncIterator<T> {
  return eachEvent(source, options)[Symbol.asyncIterator]();
}

const value = <T>(v: T) => ({ done: false, value: v });
const done = { done: true, value: undefined };

describe('eachEvent', () => {
  it('subscribes on the first next(), not before', async () => {
    const { subject, source, counts } = tracked<number>();
    const iterable = eachEvent(source);
    const it = iterable[Symbol.asyncIterator]();
    expect(counts.subscribed).toBe(0);
    const first = it.next();
    expect(counts.subscribed).toBe(1);
    subject.next(1);
    await expect(first).resolves.toEqual(value(1));
  });

  it('keeps the order of values buffered while the consumer is busy', async () => {
    const { subject, source } = tracked<number>();
    const it = iteratorOf(source);
    const first = it.next();
    for (const n of [1, 2, 3, 4]) subject.next(n);
    subject.complete();
    const seen = [await first, await it.next(), await it.next(), await it.next(), await it.next()];
    expect(seen).toEqual([value(1), value(2), value(3), value(4), done]);
  });

  it('works with for await and a source that completes synchronously', async () => {
    const seen: number[] = [];
    for await (const n of eachEvent(of(1, 2, 3))) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
  });

  describe("overflow: 'error'", () => {
    it('unsubscribes at once and rejects the next next() with buffer_overflow', async () => {
      const { subject, source, counts } = tracked<number>();
      const it = iteratorOf(source, { bufferSize: 2 });
      const first = it.next();
      subject.next(0);
      subject.next(1);
      subject.next(2);
      expect(counts.finalized).toBe(0);
      subject.next(3);
      expect(counts.finalized).toBe(1);
      expect(subject.observed).toBe(false);
      await expect(first).resolves.toEqual(value(0));
      const error = await it.next().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAstroError(error, 'buffer_overflow')).toBe(true);
      expect((error as AstroError).message).toMatch(/bufferSize \(2\)/);
      expect((error as AstroError).message).toMatch(/dropOldest/);
      await expect(it.next()).resolves.toEqual(done);
    });

    it('ends a for await loop whose body is still busy', async () => {
      const { subject, source, counts } = tracked<number>();
      let release!: () => void;
      const busy = new Promise<void>((resolve) => (release = resolve));
      const seen: number[] = [];
      const loop = (async () => {
        for await (const n of eachEvent(source, { bufferSize: 2 })) {
          seen.push(n);
          await busy;
        }
      })();
      for (const n of [1, 2, 3, 4]) subject.next(n);
      expect(counts.finalized).toBe(1);
      release();
      await expect(loop).rejects.toMatchObject({ code: 'buffer_overflow' });
      expect(seen).toEqual([1]);
    });

    it('is the default policy, with a buffer of 1000', async () => {
      const { subject, source } = tracked<number>();
      const it = iteratorOf(source);
      const first = it.next();
      for (let n = 0; n <= 1000; n++) subject.next(n);
      expect(subject.observed).toBe(true);
      subject.next(1001);
      expect(subject.observed).toBe(false);
      await expect(first).resolves.toEqual(value(0));
      await expect(it.next()).rejects.toMatchObject({ code: 'buffer_overflow' });
    });

    it('matches the doc example: a synchronous source overflows before the loop body runs', async () => {
      const lines: unknown[] = [];
      try {
        for await (const n of eachEvent(of(1, 2, 3, 4), { bufferSize: 2 })) lines.push(n);
      } catch (e) {
        if (isAstroError(e, 'buffer_overflow')) lines.push(e.code);
      }
      expect(lines).toEqual([1, 'buffer_overflow']);
    });
  });

  describe("overflow: 'dropOldest'", () => {
    it('drops the oldest values, reports the running total and stays subscribed', async () => {
      const { subject, source } = tracked<number>();
      const drops: number[] = [];
      const it = iteratorOf(source, { bufferSize: 2, overflow: 'dropOldest', onDrop: (n) => drops.push(n) });
      const first = it.next();
      for (const n of [0, 1, 2, 3, 4, 5]) subject.next(n);
      expect(drops).toEqual([1, 2, 3]);
      expect(subject.observed).toBe(true);
      expect([await first, await it.next(), await it.next()]).toEqual([value(0), value(4), value(5)]);
      const later = it.next();
      subject.next(6);
      await expect(later).resolves.toEqual(value(6));
      subject.complete();
      await expect(it.next()).resolves.toEqual(done);
    });

    it('matches the doc example', async () => {
      const lines: unknown[] = [];
      const numbers = eachEvent(of(1, 2, 3, 4), { bufferSize: 2, overflow: 'dropOldest', onDrop: (dropped) => lines.push(`dropped ${dropped}`) });
      for await (const n of numbers) lines.push(n);
      expect(lines).toEqual(['dropped 1', 1, 3, 4]);
    });

    it('ends with the error of a throwing onDrop, after the buffer drains', async () => {
      const { subject, source, counts } = tracked<number>();
      const boom = new Error('onDrop failed');
      const it = iteratorOf(source, {
        bufferSize: 1,
        overflow: 'dropOldest',
        onDrop: () => {
          throw boom;
        },
      });
      const first = it.next();
      subject.next(0);
      subject.next(1);
      subject.next(2);
      expect(counts.finalized).toBe(1);
      expect([await first, await it.next()]).toEqual([value(0), value(2)]);
      await expect(it.next()).rejects.toBe(boom);
    });
  });

  it('delivers buffered values before rejecting with the source error', async () => {
    const { subject, source, counts } = tracked<number>();
    const boom = new Error('boom');
    const it = iteratorOf(source);
    const first = it.next();
    subject.next(1);
    subject.next(2);
    subject.next(3);
    subject.error(boom);
    expect(counts.finalized).toBe(1);
    expect([await first, await it.next(), await it.next()]).toEqual([value(1), value(2), value(3)]);
    await expect(it.next()).rejects.toBe(boom);
    await expect(it.next()).resolves.toEqual(done);
  });

  it('rejects a waiting next() when the source errors', async () => {
    const { subject, source } = tracked<number>();
    const boom = new Error('boom');
    const it = iteratorOf(source);
    const waiting = it.next();
    subject.error(boom);
    await expect(waiting).rejects.toBe(boom);
  });

  it('unsubscribes when the for await loop breaks', async () => {
    const { subject, source, counts } = tracked<number>();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const n of eachEvent(source)) {
        seen.push(n);
        if (n === 2) break;
      }
    })();
    subject.next(1);
    subject.next(2);
    subject.next(3);
    await loop;
    expect(seen).toEqual([1, 2]);
    expect(counts.finalized).toBe(1);
    expect(subject.observed).toBe(false);
  });

  it('resolves a waiting next() with done when return() is called', async () => {
    const { source, counts } = tracked<number>();
    const it = iteratorOf(source);
    const waiting = it.next();
    await expect(it.return!()).resolves.toEqual(done);
    await expect(waiting).resolves.toEqual(done);
    expect(counts.finalized).toBe(1);
    await expect(it.next()).resolves.toEqual(done);
    expect(counts.subscribed).toBe(1);
  });

  it('never subscribes when return() comes before the first next()', async () => {
    const { source, counts } = tracked<number>();
    const it = iteratorOf(source);
    await it.return!();
    await expect(it.next()).resolves.toEqual(done);
    expect(counts.subscribed).toBe(0);
  });

  it('gives each iterator of one iterable its own subscription and buffer', async () => {
    const { subject, source, counts } = tracked<number>();
    const iterable = eachEvent(source, { bufferSize: 1 });
    const a = iterable[Symbol.asyncIterator]();
    const b = iterable[Symbol.asyncIterator]();
    const firstA = a.next();
    const firstB = b.next();
    expect(counts.subscribed).toBe(2);
    subject.next(1);
    expect([await firstA, await firstB]).toEqual([value(1), value(1)]);
    const secondA = a.next();
    subject.next(2); // a takes it at once, b buffers it
    subject.next(3); // a buffers it, b overflows
    expect(counts.finalized).toBe(1);
    await expect(b.next()).rejects.toMatchObject({ code: 'buffer_overflow' });
    expect([await secondA, await a.next()]).toEqual([value(2), value(3)]);
    await a.return!();
    expect(counts.finalized).toBe(2);
    expect(subject.observed).toBe(false);
  });

  it.each<[string, EachEventOptions]>([
    ['bufferSize 0', { bufferSize: 0 }],
    ['bufferSize -1', { bufferSize: -1 }],
    ['bufferSize 1.5', { bufferSize: 1.5 }],
    ['bufferSize NaN', { bufferSize: NaN }],
    ['bufferSize Infinity', { bufferSize: Infinity }],
    ['bufferSize "10"', { bufferSize: '10' as unknown as number }],
    ['overflow "drop"', { overflow: 'drop' as unknown as 'error' }],
    ['onDrop 1', { onDrop: 1 as unknown as () => void }],
  ])('throws invalid_argument at call time for %s', (_, options) => {
    const { source, counts } = tracked<number>();
    expect(() => eachEvent(source, options)).toThrow(expect.objectContaining({ name: 'AstroError', code: 'invalid_argument' }));
    expect(counts.subscribed).toBe(0);
  });
});
