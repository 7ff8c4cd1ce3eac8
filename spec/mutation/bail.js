/**
 * The bail of mutation runs, shared by environment.js and jest-circus-bail.js:
 * once a test failed while Stryker runs a mutant, nothing more of that run needs
 * to execute (one failure is all Stryker needs to call the mutant killed).
 * Module state, in the outer realm of Stryker's worker: Stryker runs jest in band,
 * one mutant at a time, and names the mutant in an environment variable.
 */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

let failedMutant;

/** The mutant Stryker runs now, or undefined (the dry run, plain jest). */
const activeMutant = () => process.env[ACTIVE_MUTANT];

module.exports = {
  activeMutant,
  failed() {
    failedMutant = activeMutant();
  },
  /** Whether a test already failed in the current mutant's run. */
  done() {
    const mutant = activeMutant();
    return mutant !== undefined && failedMutant === mutant;
  },
};
