// @ts-check
/**
 * Mutation testing of the core (`npm run mutation`): StrykerJS 9.6 with the jest runner.
 * - One run per core folder (scripts/mutation.mjs sets ASTRO_MUTATION_FOLDER): each folder
 *   has its own incremental file, reports/stryker-incremental/<folder>.json (committed),
 *   and its own report, reports/mutation/<folder>/ (not committed). A run tests only the
 *   mutants of changed code or covered by changed specs.
 * - Runs only the unit specs that exercise the core (jest.mutation.config.js: virtual time,
 *   fixed fast-check seed).
 * - Thresholds are checked per folder by scripts/mutation-score.mjs (Stryker's `break` is
 *   global); see docs/testing.md, "Mutation testing".
 * Run it under `nice`: the machine is shared.
 */

const FOLDERS = ['protocol', 'policies', 'operators', 'connection', 'client'];
const folder = process.env['ASTRO_MUTATION_FOLDER'] ?? '';
if (!FOLDERS.includes(folder)) {
  throw new Error(`ASTRO_MUTATION_FOLDER must name one of ${FOLDERS.join(', ')} (npm run mutation sets it)`);
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.mutation.config.js',
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  mutate: [`lib/${folder}/**/*.ts`],
  ignorePatterns: ['dist', 'coverage', 'docs/api', '.tmp', '.stryker-tmp*', 'bench/results.tmp*', '*.tgz'],
  // live: each result as it comes (spec/mutation/liveReporter.mjs, scripts/mutation-survivors.mjs)
  appendPlugins: ['./spec/mutation/liveReporter.mjs'],
  reporters: ['html', 'json', 'clear-text', 'progress', 'live'],
  htmlReporter: { fileName: `reports/mutation/${folder}/mutation.html` },
  jsonReporter: { fileName: `reports/mutation/${folder}/mutation.json` },
  clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0 },
  incremental: true,
  incrementalFile: `reports/stryker-incremental/${folder}.json`,
  concurrency: 2,
  // the machine is shared and loaded: leave room before calling a slow mutant a timeout
  timeoutMS: 10000,
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: `.stryker-tmp-${folder}`,
};

export default config;
