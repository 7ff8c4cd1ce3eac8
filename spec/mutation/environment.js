/**
 * The jest environment of mutation runs (jest.mutation.config.js): node, plus two
 * things that keep a Stryker run short on 2 cores.
 *
 * - Bail. Jest cannot bail programmatically, so each mutant would run every test
 *   that covers it even after the first failure, and a mutant of the core (covered
 *   by nearly every spec) would cost a whole suite run. Once a test fails while
 *   Stryker runs a mutant, the remaining tests of that run are skipped: one failure
 *   is all Stryker needs to call the mutant killed.
 * - During Stryker's dry run (no active mutant), it records which file holds which
 *   test (testIndex.js), for sequencer.js.
 *
 * Plain jest runs (no Stryker) are untouched.
 */
const { TestEnvironment } = require('jest-environment-node');
const { fullName, record } = require('./testIndex');

const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
/** The mutant whose run already has a failure (module state: Stryker runs jest in band, one run at a time). */
let failedMutant;

class MutationEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.rootDir = config.projectConfig.rootDir;
    this.testPath = context.testPath;
    this.names = [];
  }

  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) {
      if (event.name === 'test_start' && this.global.__stryker__ !== undefined) this.names.push(fullName(event.test));
      return;
    }
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') failedMutant = mutant;
    else if (event.name === 'test_start' && failedMutant === mutant) event.test.mode = 'skip';
  }

  async teardown() {
    if (this.names.length > 0) record(this.rootDir, this.testPath, this.names);
    await super.teardown();
  }
}

module.exports = MutationEnvironment;
