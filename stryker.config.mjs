// @ts-check
/**
 * Mutation testing of the core (`npm run mutation`): StrykerJS 9.6 with the jest runner.
 * - Mutates the five core folders; runs only the unit specs that exercise them
 *   (jest.mutation.config.js: virtual time, fixed fast-check seed).
 * - Incremental: results are kept in reports/stryker-incremental.json (committed), so that
 *   a run only tests the mutants of changed code or covered by changed specs.
 * - Thresholds are checked per folder by scripts/mutation-score.mjs (Stryker's `break` is
 *   global); see docs/testing.md, "Mutation testing".
 * Run it under `nice`: the machine is shared.
 */

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.mutation.config.js',
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  mutate: [
    'lib/protocol/**/*.ts',
    'lib/policies/**/*.ts',
    'lib/operators/**/*.ts',
    'lib/connection/**/*.ts',
    'lib/client/**/*.ts',
  ],
  ignorePatterns: ['dist', 'coverage', 'docs/api', '.tmp', '.stryker-tmp*', 'bench/results.tmp*', '*.tgz'],
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0 },
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  // the machine is shared and loaded: leave room before calling a slow mutant a timeout
  timeoutMS: 10000,
  thresholds: { high: 90, low: 85, break: null },
};

export default config;
