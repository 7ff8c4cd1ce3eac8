import { map, of } from 'rxjs';
import { Transition, runMachine } from '../../lib/operators/runMachine';
import { createTestScheduler } from '../helpers/testScheduler';

/** Counts inputs; outputs the new count. */
const count: Transition<number, string, number, undefined> = (n) => ({ state: n + 1, outputs: [n + 1] });

/** `a` → one output, `b` → two, `c` → none. */
const fanOut: Transition<null, string, string, undefined> = (s, input) => ({
  state: s,
  outputs: input === 'a' ? ['x'] : input === 'b' ? ['y', 'z'] : [],
});

/** Outputs the time of each input. */
const clock: Transition<null, string, number, undefined> = (s, _input, now) => ({ state: s, outputs: [now] });

/** Remembers inputs in an array it updates in place; outputs how many it holds. */
const remember: Transition<string[], string, number, undefined> = (seen, input) => {
  seen.push(input);
  return { state: seen, outputs: [seen.length] };
};

describe('runMachine', () => {
  it('emits the outputs of each input in order, in the frame of the input', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const inputs = cold(' -a--b-------c-|');
      const expected = '    -x--(yz)------|';
      expectObservable(inputs.pipe(runMachine(fanOut, null, undefined))).toBe(expected);
    });
  });

  it('passes the scheduler time to the transition', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const inputs = cold(' -a 9ms b|');
      const expected = '    -t 9ms u|';
      expectObservable(inputs.pipe(runMachine(clock, null, undefined, scheduler))).toBe(expected, { t: 1, u: 11 });
    });
  });

  it('reads the time from asyncScheduler when given no scheduler (virtual inside run)', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const inputs = cold(' --a 1s b|');
      const expected = '    --t 1s u|';
      expectObservable(inputs.pipe(runMachine(clock, null, undefined))).toBe(expected, { t: 2, u: 1003 });
    });
  });

  it('keeps state per subscription when one operator is shared', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const counted = cold('-a-a-|').pipe(runMachine(count, 0, undefined));
      const second = '      ---^------';
      expectObservable(counted).toBe('          -1-2-|', { 1: 1, 2: 2 });
      expectObservable(counted, second).toBe('----1-2-|', { 1: 1, 2: 2 });
    });
  });

  it('starts each subscription from a fresh initial() when given a factory', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const counted = cold('-a-b-|').pipe(runMachine(remember, () => [], undefined));
      expectObservable(counted).toBe('          -1-2-|', { 1: 1, 2: 2 });
      expectObservable(counted, '--^---').toBe('---1-2-|', { 1: 1, 2: 2 });
    });
  });

  it('calls afterStep with each new state, before the outputs of that step', () => {
    const steps: number[] = [];
    createTestScheduler().run(({ cold, expectObservable }) => {
      let last = 0;
      const inputs = cold(' -a-a-a-|');
      const expected = '    -1-2-3-|';
      const result = inputs.pipe(
        runMachine(count, 0, undefined, undefined, (state) => {
          steps.push(state);
          last = state;
        }),
        map((output) => `${output} after step ${last}`),
      );
      expectObservable(result).toBe(expected, { 1: '1 after step 1', 2: '2 after step 2', 3: '3 after step 3' });
    });
    expect(steps).toEqual([1, 2, 3]);
  });

  it('calls afterStep for an input that has no outputs', () => {
    const steps: Array<null> = [];
    createTestScheduler().run(({ cold, expectObservable }) => {
      const inputs = cold(' -c-c-|');
      const expected = '    -----|';
      expectObservable(inputs.pipe(runMachine(fanOut, null, undefined, undefined, (s) => steps.push(s)))).toBe(expected);
    });
    expect(steps).toEqual([null, null]);
  });

  it('unsubscribes the source when unsubscribed', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const inputs = cold(' -a-a-a-a-|');
      const unsub = '       ----!';
      const expected = '    -1-2-';
      expectObservable(inputs.pipe(runMachine(count, 0, undefined)), unsub).toBe(expected, { 1: 1, 2: 2 });
      expectSubscriptions(inputs.subscriptions).toBe('^---!');
    });
  });

  it('passes an error of the source through', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const inputs = cold(' -a-#', undefined, new Error('socket gone'));
      const expected = '    -1-#';
      expectObservable(inputs.pipe(runMachine(count, 0, undefined))).toBe(expected, { 1: 1 }, new Error('socket gone'));
    });
  });

  it('errors when the transition throws, and unsubscribes the source', () => {
    const broken: Transition<number, string, number, undefined> = (n, input) => {
      if (input === 'x') throw new Error('bad input');
      return { state: n + 1, outputs: [n + 1] };
    };
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const inputs = cold(' -a-x-a-|');
      const expected = '    -1-#';
      expectObservable(inputs.pipe(runMachine(broken, 0, undefined))).toBe(expected, { 1: 1 }, new Error('bad input'));
      expectSubscriptions(inputs.subscriptions).toBe('^--!');
    });
  });

  describe('the examples of its doc comment', () => {
    it('a running total', () => {
      const lines: number[] = [];
      const add = (sum: number, n: number) => ({ state: sum + n, outputs: [sum + n] });
      of(1, 2, 3).pipe(runMachine(add, 0, undefined)).subscribe((n) => lines.push(n));
      expect(lines).toEqual([1, 3, 6]);
    });

    it('a machine that updates its state in place, with a factory', () => {
      const lines: string[] = [];
      const seen = (s: Set<string>, word: string) => (s.has(word) ? { state: s, outputs: [] } : { state: s.add(word), outputs: [word] });
      const distinct = runMachine(seen, () => new Set<string>(), undefined);
      of('a', 'b', 'a').pipe(distinct).subscribe((w) => lines.push(w));
      of('a').pipe(distinct).subscribe((w) => lines.push(w));
      expect(lines).toEqual(['a', 'b', 'a']);
    });
  });
});
