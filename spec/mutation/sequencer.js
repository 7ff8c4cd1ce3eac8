/**
 * Which spec files a mutation run loads, and in what order (jest.mutation.config.js).
 *
 * - Only the files that hold a test Stryker asked for (its test-name pattern),
 *   from the index recorded during the dry run (testIndex.js): jest would
 *   otherwise load every spec file for every mutant.
 * - The specs of the mutant's own folder first (spec/connection/ for a mutant in
 *   lib/connection/), then the other quick ones, and the broad, slow ones (property
 *   and chaos runs over the whole client) last: with the bail (bail.js), a mutant is
 *   then usually killed by the first, most focused file. The mutant's file is read
 *   from Stryker's instrumented sources in the sandbox.
 */
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const { activeMutant } = require('./bail');
const { read } = require('./testIndex');

const LAST = [
  'spec/client/createAstroClient.spec.ts',
  'spec/races/bucket.spec.ts',
  'spec/protocol/hostileFrames.spec.ts',
  'spec/model/clientModel.spec.ts',
  'spec/reliability/fuzz.spec.ts',
];

/** Mutant id → the lib folder it lives in (lib/<folder>/…), read once per process. */
let folderOfMutant;
function mutantFolder(rootDir, mutant) {
  if (folderOfMutant === undefined) {
    folderOfMutant = new Map();
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts')) {
          const folder = path.relative(path.join(rootDir, 'lib'), full).split(path.sep)[0];
          for (const m of fs.readFileSync(full, 'utf8').matchAll(/stryMutAct_9fa48\("?(\d+)"?\)/g)) folderOfMutant.set(m[1], folder);
        }
      }
    };
    walk(path.join(rootDir, 'lib'));
  }
  return folderOfMutant.get(mutant);
}

class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.globalConfig = options && options.globalConfig;
  }

  sort(tests) {
    const rootDir = this.globalConfig ? this.globalConfig.rootDir : process.cwd();
    const mutant = activeMutant();
    const folder = mutant === undefined ? undefined : mutantFolder(rootDir, mutant);
    const rank = (p) => {
      const last = LAST.findIndex((l) => p.endsWith(l));
      if (last >= 0) return 2 + last;
      return folder !== undefined && p.includes(`${path.sep}spec${path.sep}${folder}${path.sep}`) ? 0 : 1;
    };
    const ordered = [...tests].sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const pattern = this.globalConfig && this.globalConfig.testNamePattern;
    const index = pattern ? read(rootDir) : undefined;
    if (!index) return ordered;
    const re = new RegExp(pattern, 'i');
    const wanted = ordered.filter((t) => !index.has(t.path) || index.get(t.path).some((name) => re.test(name)));
    return wanted.length > 0 ? wanted : ordered;
  }
}

module.exports = MutationSequencer;
