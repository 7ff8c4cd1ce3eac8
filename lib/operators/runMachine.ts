import { OperatorFunction, SchedulerLike, asyncScheduler, concatMap, defer, from, scan, tap } from 'rxjs';

/**
 * A state machine's transition: `(state, input, now, config) → { state, outputs }`.
 * It knows nothing of RxJS, sockets or clocks: time comes in as `now`.
 *
 * @category Operators
 */
export type Transition<S, I, O, C> = (state: S, input: I, now: number, config: C) => { readonly state: S; readonly outputs: readonly O[] };

/**
 * Runs a pure state machine over a stream of inputs: each input goes through
 * `transition` with `scheduler.now()`, and the outputs it decides come out in
 * order, before those of the next input. `afterStep` sees each new state before
 * its outputs are emitted (to re-arm the machine's one timer).
 *
 * State belongs to one subscription: each subscriber starts from `initial`, or
 * from a fresh `initial()` when it is a factory. Pass a factory when the
 * transition updates its state in place (a state that is itself a function must
 * be passed as a factory too). Unsubscribing unsubscribes the source; errors
 * and completion of the source pass through, and an error thrown by
 * `transition` or `afterStep` errors the result. Nothing is scheduled: the
 * scheduler is only read for `now`.
 *
 * ```text
 * inputs:   --a----b-----c--|
 * outputs:  --x----(yz)-----|     (a → [x], b → [y, z], c → [])
 * ```
 *
 * @example A running total
 * ```ts
 * import { of } from 'rxjs';
 * import { runMachine } from 'astro-rx/operators';
 * const add = (sum: number, n: number) => ({ state: sum + n, outputs: [sum + n] });
 * of(1, 2, 3).pipe(runMachine(add, 0, undefined)).subscribe(console.log);
 * // Output:
 * // 1
 * // 3
 * // 6
 * ```
 *
 * @example A machine that updates its state in place, with a factory
 * ```ts
 * import { of } from 'rxjs';
 * import { runMachine } from 'astro-rx/operators';
 * const seen = (s: Set<string>, word: string) => (s.has(word) ? { state: s, outputs: [] } : { state: s.add(word), outputs: [word] });
 * const distinct = runMachine(seen, () => new Set<string>(), undefined);
 * of('a', 'b', 'a').pipe(distinct).subscribe(console.log);
 * of('a').pipe(distinct).subscribe(console.log); // a fresh Set
 * // Output:
 * // a
 * // b
 * // a
 * ```
 * @param transition The machine: pure, apart from updating its own state.
 * @param initial The state each subscription starts from, or a factory of it.
 * @param config Passed to every `transition` call.
 * @param scheduler The clock read for `now` (`asyncScheduler` by default).
 * @param afterStep Called with each new state, before its outputs are emitted.
 * @returns An operator from inputs to outputs.
 * @category Operators
 */
export function runMachine<S, I, O, C>(
  transition: Transition<S, I, O, C>,
  initial: S | (() => S),
  config: C,
  scheduler: SchedulerLike = asyncScheduler,
  afterStep?: (state: S) => void,
): OperatorFunction<I, O> {
  const seed = typeof initial === 'function' ? (initial as () => S) : () => initial;
  return (source) =>
    defer(() =>
      source.pipe(
        scan((step: { readonly state: S; readonly outputs: readonly O[] }, input: I) => transition(step.state, input, scheduler.now(), config), {
          state: seed(),
          outputs: [] as readonly O[],
        }),
        tap((step) => afterStep?.(step.state)),
        concatMap((step) => from(step.outputs)),
      ),
    );
}
