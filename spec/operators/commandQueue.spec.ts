import { Subject, filter, map, range, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AstroError } from '../../lib/errors/astroError';
import { QueueInput, QueueOutput, commandQueue } from '../../lib/operators/commandQueue';
import { TOKEN, clear, cleared, duplicate, enqueue, pause, requeue, send, sub, superseded, unsub, unsubAll } from './queueFixtures';
import { createTestScheduler } from '../helpers/testScheduler';
import { plain, plainErrors } from './plainErrors';

describe('commandQueue', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  describe('pacing', () => {
    it('sends 250 commands as 100 at once, then one per 100 ms, the last at 15 000 ms', () => {
      testScheduler.run(({ expectObservable }) => {
        const input = range(1, 250).pipe(map((id) => enqueue(sub(id, `room-${id}`))));
        const sends = input.pipe(
          commandQueue({ scheduler: testScheduler }),
          filter((out) => out.type === 'send'),
          map((out) => [out.entry.id, testScheduler.now()]),
          toArray(),
        );
        const expected = Array.from({ length: 250 }, (_, i) => [i + 1, i < 100 ? 0 : (i - 99) * 100]);
        expectObservable(sends).toBe('15000ms (s|)', { s: expected });
      });
    });

    it('sends the commands beyond the burst one interval apart', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [a, b, c] = [sub(1, 'a'), sub(2, 'b'), sub(3, 'c')];
        const input = cold('  (abc)|', { a: enqueue(a), b: enqueue(b), c: enqueue(c) });
        const interval = time('-----|');
        const expected = '    (AB)-(C|)';
        const result = input.pipe(commandQueue({ burst: 2, intervalMs: interval, scheduler: testScheduler }));
        expectObservable(result).toBe(expected, { A: send(a), B: send(b), C: send(c) });
      });
    });

    it('sends a command that finds a token during its enqueue', () => {
      const input = new Subject<QueueInput>();
      const outputs: QueueOutput[] = [];
      const subscription = input.pipe(commandQueue()).subscribe((out) => outputs.push(out));
      input.next(enqueue(sub(1)));
      expect(outputs).toEqual([send(sub(1))]);
      subscription.unsubscribe();
    });

    it('sends normal commands before bulk ones', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [x, b, c, n] = [sub(1, 'x'), sub(2, 'b', 'bulk'), sub(3, 'c', 'bulk'), sub(4, 'n')];
        const input = cold('  (xbcn)', { x: enqueue(x), b: enqueue(b), c: enqueue(c), n: enqueue(n) });
        const interval = time('--|');
        const expected = '    X-N-B-C';
        const result = input.pipe(commandQueue({ burst: 1, intervalMs: interval, scheduler: testScheduler }));
        expectObservable(result).toBe(expected, { X: send(x), N: send(n), B: send(b), C: send(c) });
      });
    });
  });

  describe('cancellation', () => {
    it('cancels a queued unsubscribe and a new subscribe of the same room', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const [u, s] = [unsub(1), sub(2)];
        const input = cold('  p-u-s-----|', { p: pause(100), u: enqueue(u), s: enqueue(s) });
        const expected = '    ----(US)--|';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, {
          U: superseded(u),
          S: superseded(s),
        });
      });
    });

    it('cancels a queued subscribe and a new unsubscribe of the same room', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const [s, u] = [sub(1, 'r1', 'bulk'), unsub(2)];
        const input = cold('  p-s-u-----|', { p: pause(100), s: enqueue(s), u: enqueue(u) });
        const expected = '    ----(SU)--|';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, {
          S: superseded(s),
          U: superseded(u),
        });
      });
    });

    it('keeps commands of other rooms and topics', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [s, u, v] = [sub(1, 'r1'), unsub(2, 'r2'), unsub(3, 'r1', 'normal', 'channel.activities')];
        const wait = time('   ------|');
        const input = cold('  (psuv)|', { p: pause(wait), s: enqueue(s), u: enqueue(u), v: enqueue(v) });
        const expected = '    ------(SUV|)';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, {
          S: send(s),
          U: send(u),
          V: send(v),
        });
      });
    });

    it('lets an unsubscribe without a room cancel nothing', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [s, all] = [sub(1), unsubAll(2)];
        const wait = time('   -----|');
        const input = cold('  (psa)|', { p: pause(wait), s: enqueue(s), a: enqueue(all) });
        const expected = '    -----(SA|)';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, { S: send(s), A: send(all) });
      });
    });

    it('sends a duplicate subscribe once', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [s, again] = [sub(1), sub(2)];
        const wait = time('   -----|');
        const input = cold('  (pst)|', { p: pause(wait), s: enqueue(s), t: enqueue(again) });
        const expected = '    (D)--(S|)';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, {
          D: duplicate(again, 1),
          S: send(s),
        });
      });
    });

    it('does not match commands queued before an unsubscribe of every room', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [s, all, again] = [sub(1), unsubAll(2), sub(3)];
        const wait = time('   ------|');
        const input = cold('  (psat)|', { p: pause(wait), s: enqueue(s), a: enqueue(all), t: enqueue(again) });
        const expected = '    ------(SAT|)';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, {
          S: send(s),
          A: send(all),
          T: send(again),
        });
      });
    });
  });

  describe('requeue', () => {
    it('sends a requeued command first', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [a, b, c, x] = [sub(1, 'a'), sub(2, 'b'), sub(3, 'c'), sub(4, 'x')];
        const input = cold('  abcx', { a: enqueue(a), b: enqueue(b), c: enqueue(c), x: requeue(x) });
        const interval = time('-----|');
        const expected = '    a----x----b----c';
        const result = input.pipe(commandQueue({ burst: 1, intervalMs: interval, scheduler: testScheduler }));
        expectObservable(result).toBe(expected, { a: send(a), x: send(x), b: send(b), c: send(c) });
      });
    });

    it('keeps requeued commands in the order they were requeued', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [a, x, y] = [sub(1, 'a'), sub(2, 'x'), unsub(3, 'x')];
        const input = cold('  (axy)', { a: enqueue(a), x: requeue(x), y: requeue(y) });
        const interval = time('---|');
        const expected = '    a--x--y';
        const result = input.pipe(commandQueue({ burst: 1, intervalMs: interval, scheduler: testScheduler }));
        expectObservable(result).toBe(expected, { a: send(a), x: send(x), y: send(y) });
      });
    });

    it('lets a pause that follows a requeue hold the requeued command back', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const x = sub(1, 'x');
        const input = cold('  (rp)', { r: requeue(x), p: pause(100) });
        const expected = '    100ms X';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, { X: send(x) });
      });
    });

    it('sends a requeued command on the next scheduler turn when nothing holds it back', () => {
      const input = new Subject<QueueInput>();
      const outputs: QueueOutput[] = [];
      testScheduler.run(() => {
        input.pipe(commandQueue({ scheduler: testScheduler })).subscribe((out) => outputs.push(out));
        input.next(requeue(sub(1, 'x')));
        expect(outputs).toEqual([]);
      });
      expect(outputs).toEqual([send(sub(1, 'x'))]);
      expect(testScheduler.now()).toBe(0);
    });

    it('accepts a requeue when the queue is full', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [a, x] = [sub(1, 'a'), sub(2, 'x')];
        const wait = time('   -----|');
        const input = cold('  (pax)|', { p: pause(wait), a: enqueue(a), x: requeue(x) });
        const expected = '    -----(XA|)';
        const result = input.pipe(commandQueue({ maxQueued: 1, scheduler: testScheduler }));
        expectObservable(result).toBe(expected, { X: send(x), A: send(a) });
      });
    });

    it('lets a new subscribe cancel a requeued unsubscribe of the same room', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const [u, s] = [unsub(1), sub(2)];
        const input = cold('  (pus)', { p: pause(100), u: requeue(u), s: enqueue(s) });
        const expected = '    (US)';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, {
          U: superseded(u),
          S: superseded(s),
        });
      });
    });
  });

  describe('pause', () => {
    it('sends nothing during a pause and then resumes at the bucket pace', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const [a, b, c, d, e] = [sub(1, 'a'), sub(2, 'b'), sub(3, 'c'), sub(4, 'd'), sub(5, 'e')];
        const values = { a: enqueue(a), b: enqueue(b), c: enqueue(c), d: enqueue(d), e: enqueue(e), p: pause(1000) };
        const input = cold('  (abcdep)', values);
        const expected = '    (AB) 996ms (CD) 96ms E';
        const result = input.pipe(commandQueue({ burst: 2, intervalMs: 100, scheduler: testScheduler }));
        expectObservable(result).toBe(expected, { A: send(a), B: send(b), C: send(c), D: send(d), E: send(e) });
      });
    });

    it('extends a running pause', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const a = sub(1);
        const input = cold('  (pa)-r', { p: pause(10), a: enqueue(a), r: pause(20) });
        const expected = '    25ms A';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, { A: send(a) });
      });
    });

    it('never shortens a running pause', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const a = sub(1);
        const input = cold('  (pa)q', { p: pause(10), a: enqueue(a), q: pause(3) });
        const expected = '    10ms A';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, { A: send(a) });
      });
    });

    it.each([
      [-1, '-1'],
      [Infinity, 'Infinity'],
      [Number.NaN, 'NaN'],
    ])('errors with a TypeError for a pause of %p ms', (ms, shown) => {
      testScheduler.run(({ cold, expectObservable }) => {
        const input = cold('  -p', { p: pause(ms) });
        const expected = '    -#';
        const error = new TypeError(`commandQueue: pause ms must be a finite number >= 0, got ${shown}`);
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, undefined, error);
      });
    });
  });

  describe('clear and limits', () => {
    it('cancels everything queued on clear, requeued first', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const [a, b, x] = [sub(1, 'a'), sub(2, 'b', 'bulk'), sub(3, 'x')];
        const input = cold('  (pabx)c----|', { p: pause(100), a: enqueue(a), b: enqueue(b), x: requeue(x), c: clear });
        const expected = '    6ms (XAB)|';
        expectObservable(input.pipe(commandQueue({ scheduler: testScheduler }))).toBe(expected, {
          X: cleared(x),
          A: cleared(a),
          B: cleared(b),
        });
      });
    });

    it('rejects an enqueue with queue_full when maxQueued commands wait', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [a, b, c] = [sub(1, 'a'), sub(2, 'b'), sub(3, 'c')];
        const wait = time('   ------|');
        const input = cold('  (pabc)|', { p: pause(wait), a: enqueue(a), b: enqueue(b), c: enqueue(c) });
        const expected = '    (R)---(AB|)';
        const error = new AstroError('queue_full', 'command queue is full (2 commands waiting): subscribe channel.tips in room c was not queued', {
          topic: 'channel.tips',
          room: 'c',
        });
        const result = input.pipe(commandQueue({ maxQueued: 2, scheduler: testScheduler }), plainErrors());
        expectObservable(result).toBe(expected, { R: { type: 'rejected', entry: c, error: plain(error) }, A: send(a), B: send(b) });
      });
    });

    it('keeps the token out of the queue_full message', () => {
      const input = new Subject<QueueInput>();
      const outputs: QueueOutput[] = [];
      const subscription = input.pipe(commandQueue({ maxQueued: 1 })).subscribe((out) => outputs.push(out));
      [pause(1000), enqueue(sub(1, 'a')), enqueue(sub(2, 'b'))].forEach((i) => input.next(i));
      subscription.unsubscribe();
      const rejected = outputs.find((out) => out.type === 'rejected');
      if (rejected?.type !== 'rejected') throw new Error('expected a rejected output');
      expect(rejected.error.code).toBe('queue_full');
      expect(rejected.error.message).not.toContain(TOKEN);
      expect(JSON.stringify(rejected.error.details)).not.toContain(TOKEN);
    });
  });

  describe('lifecycle', () => {
    it('completes after draining the queue when the input completes', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [a, b, c] = [sub(1, 'a'), sub(2, 'b'), sub(3, 'c')];
        const input = cold('  (abc|)', { a: enqueue(a), b: enqueue(b), c: enqueue(c) });
        const interval = time('---|');
        const expected = '    a--b--(c|)';
        const result = input.pipe(commandQueue({ burst: 1, intervalMs: interval, scheduler: testScheduler }));
        expectObservable(result).toBe(expected, { a: send(a), b: send(b), c: send(c) });
      });
    });

    it('completes at once when the input completes with nothing queued', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(cold<QueueInput>('--|').pipe(commandQueue({ scheduler: testScheduler }))).toBe('--|');
      });
    });

    it('passes an input error on at once', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const [a, b] = [sub(1, 'a'), sub(2, 'b')];
        const input = cold('  (ab)#', { a: enqueue(a), b: enqueue(b) });
        const expected = '    a---#';
        expectObservable(input.pipe(commandQueue({ burst: 1, scheduler: testScheduler }))).toBe(expected, { a: send(a) });
      });
    });

    it('cancels its timer and unsubscribes the input when unsubscribed', () => {
      testScheduler.run(({ cold, flush, expectObservable, expectSubscriptions }) => {
        const [a, b] = [sub(1, 'a'), sub(2, 'b')];
        const input = cold('  (ab)---', { a: enqueue(a), b: enqueue(b) });
        const unsub = '       50ms !';
        expectObservable(input.pipe(commandQueue({ burst: 1, scheduler: testScheduler })), unsub).toBe('a', { a: send(a) });
        expectSubscriptions(input.subscriptions).toBe('^ 49ms !');
        flush();
        expect(testScheduler.now()).toBe(50);
      });
    });

    it('gives each subscription its own queue and bucket', () => {
      testScheduler.run(({ cold, time, expectObservable }) => {
        const [a, b] = [sub(1, 'a'), sub(2, 'b')];
        const interval = time('---|');
        const queued = cold('(ab)', { a: enqueue(a), b: enqueue(b) }).pipe(
          commandQueue({ burst: 1, intervalMs: interval, scheduler: testScheduler }),
        );
        expectObservable(queued).toBe('     a--b', { a: send(a), b: send(b) });
        expectObservable(queued, '-^').toBe('-a--b', { a: send(a), b: send(b) });
      });
    });
  });

  it.each([
    [{ burst: 0 }, 'commandQueue: option burst must be an integer >= 1, got 0'],
    [{ intervalMs: -100 }, 'commandQueue: option intervalMs must be a finite number > 0, got -100'],
    [{ maxQueued: 0 }, 'commandQueue: option maxQueued must be an integer >= 1, got 0'],
    [{ scheduler: null }, 'commandQueue: option scheduler must be a SchedulerLike (with now() and schedule()), got null'],
  ])('throws a TypeError at creation for %p', (config, message) => {
    expect(() => commandQueue(config as never)).toThrow(new TypeError(message));
  });
});
