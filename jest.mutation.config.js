/**
 * The specs StrykerJS runs against each mutant (`npm run mutation`, stryker.config.mjs):
 * the unit project of jest.config.js (virtual time, no sockets, no child processes),
 * restricted to the spec folders that exercise the mutated folders
 * (lib/protocol, lib/policies, lib/operators, lib/connection, lib/client).
 * Integration and slow specs stay out: they are excluded exactly as in the unit project.
 *
 * fast-check runs on a fixed seed here, so that a mutant is killed or survives
 * the same way on every run (the incremental file relies on it); `npm test`
 * keeps random seeds.
 */
const path = require('node:path');
const tiers = require('./jest.config.js');

const { displayName: _name, testMatch: _match, ...unit } = tiers.projects.find((p) => p.displayName === 'unit');

const SPEC_FOLDERS = ['client', 'connection', 'errors', 'model', 'operators', 'policies', 'protocol', 'races', 'reliability', 'util'];

/** @type {import('jest').Config} */
module.exports = {
  ...unit,
  testTimeout: tiers.testTimeout,
  testMatch: [
    ...SPEC_FOLDERS.map((folder) => `<rootDir>/spec/${folder}/**/*.spec.ts`),
    '<rootDir>/spec/testing/virtualGateway*.spec.ts',
  ],
  // absolute: Stryker loads the environment itself, before jest resolves <rootDir>
  testEnvironment: path.join(__dirname, 'spec/mutation/environment.js'),
  testSequencer: path.join(__dirname, 'spec/mutation/sequencer.js'),
  // jest-circus with the bail (its path must name jest-circus for Stryker's perTest coverage)
  testRunner: path.join(__dirname, 'spec/mutation/jest-circus-bail.js'),
  setupFilesAfterEnv: ['<rootDir>/spec/mutation/setup.ts'],
};
