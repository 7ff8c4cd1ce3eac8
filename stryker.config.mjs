// @ts-check
/**
 * Mutation testing of the core (`npm run mutation`): StrykerJS 9.6 with the jest runner.
 * - One run per part of the core (scripts/mutation-parts.mjs; scripts/mutation.mjs sets
 *   ASTRO_MUTATION_PART): each part has its own incremental file,
 *   reports/stryker-incremental/<part>.json (committed), and its own report,
 *   reports/mutation/<part>/ (not committed). A run tests only the mutants of changed code
 *   or covered by changed specs.
 * - Runs only the unit specs that exercise the core (jest.mutation.config.js: virtual time,
 *   fixed fast-check seed).
 * - Thresholds are checked per folder by scripts/mutation-score.mjs (Stryker's `break` is
 *   global); see docs/testing.md, "Mutation testing".
 * Run it under `nice`: the machine is shared.
 */

import { PARTS, partNamed } from './scripts/mutation-parts.mjs';

const part = partNamed(process.env['ASTRO_MUTATION_PART'] ?? '');
if (part === undefined) {
  throw new Error(`ASTRO_MUTATION_PART must name one of ${PARTS.map((p) => p.name).join(', ')} (npm run mutation sets it)`);
}
const { name } = part;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.mutation.config.js',
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  mutate: part.mutate,
  ignorePatterns: ['dist', 'coverage', 'docs/api', '.tmp', '.stryker-tmp*', 'bench/results.tmp*', '*.tgz'],
  // live: each result as it comes (spec/mutation/liveReporter.mjs, scripts/mutation-survivors.mjs)
  appendPlugins: ['./spec/mutation/liveReporter.mjs'],
  reporters: ['html', 'json', 'clear-text', 'progress', 'live'],
  htmlReporter: { fileName: `reports/mutation/${name}/mutation.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0 },
  incremental: true,
  incrementalFile: `reports/stryker-incremental/${name}.json`,
  concurrency: 2,
  // The machine is shared and loaded: a surviving mutant covered by most specs runs them all
  // (~25 s quiet, several times that under load); a tight timeout would call it a timeout, which
  // counts as detected. Mutants that really loop forever on virtual time fail fast (setup.ts).
  timeoutMS: 30000,
  timeoutFactor: 5,
  dryRunTimeoutMinutes: 20,
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: `.stryker-tmp-${name}`,
};

export default config;
