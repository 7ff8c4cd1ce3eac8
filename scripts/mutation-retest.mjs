#!/usr/bin/env node
/**
 * Makes the next incremental run of a part test its surviving *static* mutants again:
 *
 *   node scripts/mutation-retest.mjs <part> [...]
 *
 * A static mutant (in code that runs when its module loads, such as a codec built
 * at the top level) runs every spec, but Stryker's incremental file records it as
 * covered by one test only. A new spec written to kill it therefore does not make
 * the next incremental run test it again. This script removes the part's
 * surviving static mutants from reports/stryker-incremental/<part>.json; every
 * other recorded result is kept.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { partNamed } from './mutation-parts.mjs';

const names = process.argv.slice(2);
if (names.length === 0 || names.some((n) => partNamed(n) === undefined)) {
  console.error('usage: node scripts/mutation-retest.mjs <part> [...] (the parts are in scripts/mutation-parts.mjs)');
  process.exit(2);
}
for (const name of names) {
  const file = `reports/stryker-incremental/${name}.json`;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  let forgotten = 0;
  for (const entry of Object.values(report.files)) {
    const kept = entry.mutants.filter((m) => !(m.static === true && (m.status === 'Survived' || m.status === 'NoCoverage')));
    forgotten += entry.mutants.length - kept.length;
    entry.mutants = kept;
  }
  writeFileSync(file, JSON.stringify(report, null, 2)); // as Stryker writes it
  console.log(`${name}: ${forgotten} surviving static mutant(s) will be tested again by the next run`);
}
