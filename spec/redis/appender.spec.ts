/** The appender on virtual time: `drained()` waits on the injected scheduler, never on the wall clock. */
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { startAppender, type Appender } from '../../lib/redis/appender';
import type { WriteResult } from '../../lib/redis/adapter';
import { messageEntry, type PendingEntry } from '../../lib/redis/entries';

const entry = (n: number) => messageEntry({ id: `e${n}`, topic: 'channel.tips', room: 'r1', data: { n } } as never, n);
const microtasks = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup(write: (scheduler: VirtualTimeScheduler, entries: readonly PendingEntry[]) => Promise<WriteResult>) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, 0);
  // retries far beyond the horizons below, so that flushing ends
  const appender: Appender = startAppender({ bound: 10, batch: 5, retryMs: 100_000, write: (entries) => write(scheduler, entries), onChange: () => undefined }, scheduler);
  const runTo = async (frame: number) => {
    scheduler.maxFrames = frame;
    scheduler.flush();
    await microtasks();
  };
  const settled = (p: Promise<void>) => {
    const s = { done: false };
    void p.then(() => (s.done = true));
    return s;
  };
  return { scheduler, appender, runTo, settled };
}

describe('appender.drained()', () => {
  it('resolves at once when nothing waits', async () => {
    const { appender, settled } = setup(() => Promise.resolve({ added: 1, duplicates: 0 }));
    const s = settled(appender.drained(1000));
    await microtasks();
    expect(s.done).toBe(true);
    appender.close();
  });

  it('gives up after its timeout on the scheduler’s clock while a write hangs', async () => {
    const { appender, runTo, settled, scheduler } = setup(() => new Promise<WriteResult>(() => undefined));
    appender.enqueue(entry(1));
    const s = settled(appender.drained(100));
    await runTo(90);
    expect(s.done).toBe(false);
    await runTo(120);
    expect(s.done).toBe(true);
    expect(scheduler.now()).toBeGreaterThanOrEqual(100);
    expect(appender.stats().buffered).toBe(1);
    appender.close();
  });

  it('resolves once the queue is written, well before its timeout', async () => {
    const { appender, runTo, settled, scheduler } = setup((scheduler, entries) => new Promise<WriteResult>((resolve) => scheduler.schedule(() => resolve({ added: entries.length, duplicates: 0 }), 50)));
    appender.enqueue(entry(1));
    appender.enqueue(entry(2));
    const s = settled(appender.drained(10_000));
    await runTo(40);
    expect(s.done).toBe(false);
    // one batch at a time: e1 is written at 50, e2 at 100; a check (every 20) then sees the empty queue
    for (let t = 60; t <= 400 && !s.done; t += 20) await runTo(t);
    expect(s.done).toBe(true);
    expect(scheduler.now()).toBeLessThanOrEqual(140);
    expect(appender.stats()).toMatchObject({ buffered: 0, appended: 2 });
    appender.close();
  });
});
