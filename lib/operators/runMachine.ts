import { OperatorFunction, SchedulerLike, concatMap, from, scan, tap } from 'rxjs';

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
 * order. `afterStep` sees the new state (to re-arm the machine's one timer).
 *
 * State belongs to one subscription: `initial` is used once per subscriber only
 * when it is a factory.
 *
 * ```text
 * inputs:   --a----b-----c--
 * outputs:  --x----(yz)--
 * ```
 *
 * @example A counter
 * ```ts
 * import { of } from 'rxjs';
 * import { runMachine } from 'astro-rx/operators';
 * const step = (n: number, i: number) => ({ state: n + i, outputs: [n + i] });
 * of(1, 2, 3).pipe(runMachine(step, 0, undefined)).subscribe(console.log);
 * // Output: 1, 3, 6
 * ```
 * @category Operators
 */
export function runMachine<S, I, O, C>(
  transition: Transition<S, I, O, C>,
  initial: S,
  config: C,
  scheduler?: SchedulerLike,
  afterStep?: (state: S) => void,
): OperatorFunction<I, O> {
  const now = () => (scheduler ? scheduler.now() : Date.now());
  return (source) =>
    source.pipe(
      scan((acc: { state: S; outputs: readonly O[] }, input: I) => transition(acc.state, input, now(), config), { state: initial, outputs: [] as readonly O[] }),
      tap((step) => afterStep?.(step.state)),
      concatMap((step) => from(step.outputs)),
    );
}
