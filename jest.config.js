/**
 * Three tiers, all run by `npm test` (the README's command and CI's):
 * - unit: virtual time only — no sockets, no child processes (`npm run test:unit`, the fast loop);
 * - integration: loopback sockets and the emulator;
 * - slow: the demo, the CLI child processes, the quick bench, the short soak, heap measurements,
 *   and the specs that run the TypeScript compiler (the examples, the public surface).
 * A spec is a unit spec unless it is listed below.
 */
const INTEGRATION = [
  'spec/ecosystem/testingGuide.spec.ts',
  'spec/integration/',
  'spec/redis/outage.spec.ts',
  'spec/reliability/leaks.spec.ts',
  'spec/reliability/tokens.spec.ts',
  'spec/reliability/transport.spec.ts',
  'spec/testing/activity.spec.ts',
  'spec/testing/drain.spec.ts',
  'spec/testing/emulator.spec.ts',
  'spec/testing/faults.spec.ts',
  'spec/testing/heartbeat.spec.ts',
  'spec/testing/httpApi.spec.ts',
  'spec/testing/switches.spec.ts',
  'spec/testing/upgrades.spec.ts',
  'spec/testing/virtualClock.spec.ts',
  'spec/transport/openSocket.spec.ts',
];
const SLOW = [
  'spec/bench/',
  'spec/cli/cli.spec.ts',
  'spec/demo/demo.spec.ts',
  'spec/ecosystem/examples.spec.ts',
  'spec/ecosystem/surface.spec.ts',
  'spec/races/lifecycle.spec.ts',
  'spec/races/memory.spec.ts',
  'spec/redis/cli.spec.ts',
  'spec/redis/consumers.spec.ts',
  'spec/redis/workers.spec.ts',
  'spec/reliability/soak.spec.ts',
];

/** @type {import('jest').Config} */
const base = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
const under = (paths) => paths.map((p) => `<rootDir>/${p}${p.endsWith('/') ? '**/*.spec.ts' : ''}`);
const escape = (p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 20000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      roots: ['<rootDir>/spec'],
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...[...INTEGRATION, ...SLOW].map((p) => `<rootDir>/${escape(p)}`)],
    },
    { ...base, displayName: 'integration', roots: ['<rootDir>/spec'], testMatch: under(INTEGRATION) },
    { ...base, displayName: 'slow', roots: ['<rootDir>/spec'], testMatch: under(SLOW) },
  ],
};
