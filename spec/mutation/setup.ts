/**
 * Setup of mutation runs only (jest.mutation.config.js).
 *
 * - Every fast-check property runs on one fixed seed, so that a mutant is
 *   detected or not the same way on each run (the incremental file relies on it).
 * - A runaway guard on virtual time: a mutant that makes the client wake itself
 *   up forever (a tick that never advances) would spin the TestScheduler until
 *   Stryker's timeout, then cost a worker restart. Past RUNAWAY_ACTIONS virtual
 *   actions in one test, the scheduler fails the test instead. The unit specs
 *   run far fewer (ASTRO_MUTATION_ACTIONS=1 prints the count per test).
 */
import fc from 'fast-check';
import { VirtualAction } from 'rxjs';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: 13 });

const RUNAWAY_ACTIONS = 200_000;
let executed = 0;
beforeEach(() => {
  executed = 0;
});
if (process.env['ASTRO_MUTATION_ACTIONS'] === '1') {
  afterEach(() => {
    process.stdout.write(`actions ${executed} ${expect.getState().currentTestName ?? ''}\n`);
  });
}

type Execute = (this: VirtualAction<unknown>, state: unknown, delay: number) => unknown;
const proto = VirtualAction.prototype as unknown as { execute: Execute };
const execute = proto.execute;
proto.execute = function guarded(this: VirtualAction<unknown>, state: unknown, delay: number): unknown {
  if (++executed > RUNAWAY_ACTIONS) return new Error(`runaway virtual time: more than ${RUNAWAY_ACTIONS} scheduled actions in one test`);
  return execute.call(this, state, delay);
};
