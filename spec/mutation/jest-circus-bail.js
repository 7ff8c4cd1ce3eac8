/**
 * The test runner of mutation runs (jest.mutation.config.js): jest-circus, except
 * that once the current mutant is killed (bail.js) the remaining spec files are
 * reported as skipped without being loaded. Loading a spec file (the client, RxJS,
 * io-ts, all freshly evaluated in jest's per-file module registry) costs far more
 * than its skipped tests. (Stryker accepts a runner whose path names jest-circus.)
 */
const circus = require('jest-circus/runner').default;
const { createEmptyTestResult } = require('@jest/test-result');
const bail = require('./bail');

module.exports = async function jestCircusBail(globalConfig, config, environment, runtime, testPath, sendMessageToJest) {
  if (!bail.done()) return circus(globalConfig, config, environment, runtime, testPath, sendMessageToJest);
  // one pending entry: jest reports a file without any test as a failure to run
  const skipped = { ancestorTitles: [], duration: 0, failureDetails: [], failureMessages: [], fullName: 'skipped: the mutant is killed', numPassingAsserts: 0, status: 'pending', title: 'skipped: the mutant is killed' };
  return { ...createEmptyTestResult(), numPendingTests: 1, skipped: true, testFilePath: testPath, testResults: [skipped] };
};
