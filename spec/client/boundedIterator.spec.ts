import { Observable } from 'rxjs';
import { eachEvent } from '../../lib/client/eachEvent';
import { AstroError } from '../../lib/errors/astroError';

/** A source that emits `values` synchronously inside subscribe and never completes; counts its teardowns. */
function syncSource(values: number[]) {
  const counts = { subscribed: 0, tornDown: 0 };
  const source = new Observable<number>((subscriber) => {
    counts.subscribed++;
    for (const v of values) subscriber.next(v);
    return () => counts.tornDown++;
  });
  return { source, counts };
}

describe('BoundedIterator: a source that overflows inside subscribe', () => {
  it('is unsubscribed at once, and values after the overflow are not buffered', async () => {
    const { source, counts } = syncSource([1, 2, 3, 4]);
    const it = eachEvent(source, { bufferSize: 1 })[Symbol.asyncIterator]();
    await expect(it.next()).resolves.toEqual({ done: false, value: 1 });
    expect(counts).toEqual({ subscribed: 1, tornDown: 1 });
    await expect(it.next()).rejects.toMatchObject({ code: 'buffer_overflow' });
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('a source that fits is kept subscribed until return()', async () => {
    const { source, counts } = syncSource([1, 2]);
    const it = eachEvent(source, { bufferSize: 1 })[Symbol.asyncIterator]();
    await expect(it.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(it.next()).resolves.toEqual({ done: false, value: 2 });
    expect(counts).toEqual({ subscribed: 1, tornDown: 0 });
    await it.return?.();
    expect(counts).toEqual({ subscribed: 1, tornDown: 1 });
  });
});

describe("BoundedIterator: overflow 'dropOldest'", () => {
  it('works without onDrop: drops the oldest and goes on', async () => {
    const { source, counts } = syncSource([1, 2, 3, 4]);
    const it = eachEvent(source, { bufferSize: 2, overflow: 'dropOldest' })[Symbol.asyncIterator]();
    const seen = [await it.next(), await it.next(), await it.next()].map((r) => r.value);
    expect(seen).toEqual([1, 3, 4]);
    expect(counts.tornDown).toBe(0);
    await it.return?.();
  });

  it('an onDrop that throws ends the iteration with its error after the buffer', async () => {
    const { source } = syncSource([1, 2, 3]);
    const boom = new Error('onDrop failed');
    const it = eachEvent(source, { bufferSize: 1, overflow: 'dropOldest', onDrop: () => { throw boom; } })[Symbol.asyncIterator]();
    await expect(it.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(it.next()).resolves.toEqual({ done: false, value: 3 });
    await expect(it.next()).rejects.toBe(boom);
  });
});

describe('BoundedIterator: the overflow error', () => {
  it('explains what happened and what to do', async () => {
    const { source } = syncSource([1, 2, 3]);
    const it = eachEvent(source, { bufferSize: 1 })[Symbol.asyncIterator]();
    await it.next();
    const error = await it.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AstroError);
    expect((error as AstroError).message).toBe(
      'the for await loop fell behind: more than bufferSize (1) values arrived while its body was busy, ' +
        'so the iteration stopped to keep memory bounded. Make the loop body return sooner (hand slow work to a queue), ' +
        "raise bufferSize, or pass overflow: 'dropOldest' to skip the oldest values instead.",
    );
  });
});
