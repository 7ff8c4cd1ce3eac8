/**
 * The jest environment of mutation runs (jest.mutation.config.js): node, plus
 *
 * - the bail (bail.js): Jest cannot bail programmatically, so each mutant would run
 *   every test that covers it even after the first failure, and a mutant of the
 *   core (covered by nearly every spec) would cost a whole suite run. Once a test
 *   fails while Stryker runs a mutant, the remaining tests of that run are skipped;
 * - during Stryker's dry run (no active mutant), a record of which file holds which
 *   test (testIndex.js), for sequencer.js.
 *
 * Plain jest runs (no Stryker) are untouched.
 */
const { TestEnvironment } = require('jest-environment-node');
const bail = require('./bail');
const { fullName, record } = require('./testIndex');

class MutationEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.rootDir = config.projectConfig.rootDir;
    this.testPath = context.testPath;
    this.names = [];
  }

  async handleTestEvent(event) {
    if (bail.activeMutant() === undefined) {
      if (event.name === 'test_start' && this.global.__stryker__ !== undefined) this.names.push(fullName(event.test));
      return;
    }
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') bail.failed();
    else if (event.name === 'test_start' && bail.done()) event.test.mode = 'skip';
  }

  async teardown() {
    if (this.names.length > 0) record(this.rootDir, this.testPath, this.names);
    await super.teardown();
  }
}

module.exports = MutationEnvironment;
