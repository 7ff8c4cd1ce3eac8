/**
 * Which spec files a mutation run loads, and in what order (jest.mutation.config.js).
 *
 * - Only the files that hold a test Stryker asked for (its test-name pattern),
 *   from the index recorded during the dry run (testIndex.js): jest would
 *   otherwise load every spec file for every mutant.
 * - Quick, focused specs first and the broad, slow ones (property and chaos runs
 *   over the whole client) last, so that with the bail of environment.js a mutant
 *   is usually killed by a quick spec. (Plain jest puts the slowest files first,
 *   right for a full run, wrong for a run that stops at the first failure.)
 */
const Sequencer = require('@jest/test-sequencer').default;
const { read } = require('./testIndex');

const LAST = [
  'spec/client/createAstroClient.spec.ts',
  'spec/races/bucket.spec.ts',
  'spec/protocol/hostileFrames.spec.ts',
  'spec/model/clientModel.spec.ts',
  'spec/reliability/fuzz.spec.ts',
];

const rank = (path) => LAST.findIndex((p) => path.endsWith(p));

class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.globalConfig = options && options.globalConfig;
  }

  sort(tests) {
    const ordered = [...tests].sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const pattern = this.globalConfig && this.globalConfig.testNamePattern;
    const index = pattern ? read(this.globalConfig.rootDir) : undefined;
    if (!index) return ordered;
    const re = new RegExp(pattern, 'i');
    const wanted = ordered.filter((t) => !index.has(t.path) || index.get(t.path).some((name) => re.test(name)));
    return wanted.length > 0 ? wanted : ordered;
  }
}

module.exports = MutationSequencer;
