/**
 * The parts of the core that mutation testing measures, one Stryker run each
 * (stryker.config.mjs, scripts/mutation.mjs): a part is small enough for one run
 * to finish in a sitting on a shared 2-core machine, and each part keeps its own
 * incremental file (reports/stryker-incremental/<part>.json) and report
 * (reports/mutation/<part>/). Scores are reported per core folder
 * (scripts/mutation-score.mjs), over the parts of that folder.
 */

const DECODING = ['decode', 'decodeFailure', 'decodeWithCodecs', 'boundedReport'].map((f) => `lib/protocol/${f}.ts`);

/** @type {ReadonlyArray<{ name: string, folder: string, mutate: string[] }>} */
export const PARTS = [
  { name: 'protocol', folder: 'lib/protocol', mutate: ['lib/protocol/**/*.ts', ...DECODING.map((f) => `!${f}`)] },
  { name: 'protocol-decode', folder: 'lib/protocol', mutate: DECODING },
  { name: 'policies', folder: 'lib/policies', mutate: ['lib/policies/**/*.ts'] },
  { name: 'operators', folder: 'lib/operators', mutate: ['lib/operators/**/*.ts'] },
  { name: 'connection', folder: 'lib/connection', mutate: ['lib/connection/*.ts'] },
  { name: 'connection-outbox', folder: 'lib/connection', mutate: ['lib/connection/outbox/**/*.ts'] },
  { name: 'client', folder: 'lib/client', mutate: ['lib/client/*.ts'] },
  { name: 'client-pool', folder: 'lib/client', mutate: ['lib/client/pool/**/*.ts'] },
];

/** The five core folders, in report order. */
export const FOLDERS = [...new Set(PARTS.map((p) => p.folder))];

/** The part of that name, or undefined. */
export const partNamed = (name) => PARTS.find((p) => p.name === name);
