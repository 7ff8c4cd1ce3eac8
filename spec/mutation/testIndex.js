/**
 * Which spec file holds which test, as recorded during Stryker's dry run
 * (environment.js writes it, sequencer.js reads it). Stryker runs a mutant with a
 * test-name pattern only, and jest would load every spec file to match it; with
 * this index a mutant run loads only the files that hold a test covering the mutant.
 * The index lives in the root of Stryker's sandbox, never in the repository.
 */
const fs = require('node:fs');
const path = require('node:path');

const fileOf = (rootDir) => path.join(rootDir, '.stryker-test-index.jsonl');

/** Stryker's name of a test: the describe names and the test name, joined by spaces. */
function fullName(test) {
  const names = [];
  for (let block = test; block && block.parent; block = block.parent) names.unshift(block.name);
  return names.join(' ');
}

function record(rootDir, testPath, names) {
  fs.appendFileSync(fileOf(rootDir), `${JSON.stringify({ testPath, names })}\n`);
}

/** testPath → test names, or undefined without an index. */
function read(rootDir) {
  let text;
  try {
    text = fs.readFileSync(fileOf(rootDir), 'utf8');
  } catch {
    return undefined;
  }
  const index = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const { testPath, names } = JSON.parse(line);
    index.set(testPath, [...(index.get(testPath) ?? []), ...names]);
  }
  return index;
}

module.exports = { fullName, record, read };
