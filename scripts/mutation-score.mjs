#!/usr/bin/env node
/**
 * The mutation score of each core folder, from Stryker's JSON reports
 * (`reports/mutation/<part>/mutation.json`, written by `npm run mutation`).
 *
 *   node scripts/mutation-score.mjs [--reports dir] [--threshold 85] [--folders lib/a,lib/b]
 *
 * Score = detected / valid, Stryker's definition: detected = killed + timeout;
 * valid = detected + survived + no coverage (ignored, compile and runtime errors
 * are not valid mutants). Exits 1 when a folder is below the threshold, or when a
 * folder has no mutant in the report (a run that mutated nothing proves nothing).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { FOLDERS, PARTS } from './mutation-parts.mjs';
const DETECTED = new Set(['Killed', 'Timeout']);

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
};
const reportsDir = arg('reports', 'reports/mutation');
const threshold = Number(arg('threshold', '85'));
// --folders lib/policies,lib/operators: check only these (the folders whose parts have all been measured)
const checked = arg('folders', FOLDERS.join(',')).split(',');
const unknownFolders = checked.filter((f) => !FOLDERS.includes(f));
if (unknownFolders.length > 0) {
  console.error(`unknown folder(s): ${unknownFolders.join(', ')}; the core folders are ${FOLDERS.join(', ')}`);
  process.exit(2);
}

/** Every file of every part's report (a part without a report counts as no mutant). */
const files = PARTS.flatMap(({ name }) => {
  const path = join(reportsDir, name, 'mutation.json');
  if (!existsSync(path)) return [];
  return Object.entries(JSON.parse(readFileSync(path, 'utf8')).files);
});
const rows = checked.map((folder) => ({ folder, mutants: 0, detected: 0, survived: 0, noCoverage: 0, timeout: 0, ignored: 0 }));
for (const [file, { mutants }] of files) {
  const row = rows.find((r) => file.replace(/\\/g, '/').startsWith(`${r.folder}/`));
  if (!row) continue;
  for (const { status } of mutants) {
    row.mutants++;
    if (DETECTED.has(status)) row.detected++;
    if (status === 'Timeout') row.timeout++;
    if (status === 'Survived') row.survived++;
    if (status === 'NoCoverage') row.noCoverage++;
    if (status === 'Ignored') row.ignored++;
  }
}

let failed = false;
console.log('folder           mutants  valid  killed+timeout  survived  no-cov  ignored  score');
for (const r of rows) {
  const valid = r.detected + r.survived + r.noCoverage;
  const score = valid === 0 ? NaN : (100 * r.detected) / valid;
  const ok = valid > 0 && score >= threshold;
  failed ||= !ok;
  console.log(
    `${r.folder.padEnd(16)} ${String(r.mutants).padStart(7)} ${String(valid).padStart(6)} ${String(r.detected).padStart(15)} ${String(r.survived).padStart(9)} ${String(r.noCoverage).padStart(7)} ${String(r.ignored).padStart(8)}  ${Number.isNaN(score) ? '  n/a' : score.toFixed(2).padStart(6)} %${ok ? '' : `  < ${threshold} %`}`,
  );
}
if (failed) {
  console.error(`mutation score below ${threshold} % in at least one folder (see above)`);
  process.exit(1);
}
