#!/usr/bin/env node
/**
 * `npm run mutation [-- part|folder ...] [-- --force]`: StrykerJS over the core, one run per
 * part (scripts/mutation-parts.mjs), each with its own incremental file
 * (reports/stryker-incremental/<part>.json) and report (reports/mutation/<part>/).
 * A folder name (`connection`) selects all of its parts. Runs under `nice`: the machine
 * is shared. Exits with the first failing run's code; the scores are checked
 * afterwards by `npm run mutation:score`.
 */
import { spawnSync } from 'node:child_process';
import { PARTS } from './mutation-parts.mjs';

const args = process.argv.slice(2);
const extra = args.filter((a) => a.startsWith('--'));
const named = args.filter((a) => !a.startsWith('--'));
const selected = (name) => PARTS.filter((p) => p.name === name || p.folder === `lib/${name}`);
const unknown = named.filter((n) => selected(n).length === 0);
if (unknown.length > 0) {
  console.error(`unknown part(s): ${unknown.join(', ')}; the parts are ${PARTS.map((p) => p.name).join(', ')}`);
  process.exit(2);
}

const parts = named.length > 0 ? [...new Set(named.flatMap(selected))] : PARTS;
for (const { name } of parts) {
  const started = Date.now();
  console.log(`\n== mutation testing: ${name}`);
  const run = spawnSync('nice', ['-n', process.env['ASTRO_MUTATION_NICE'] ?? '10', 'npx', 'stryker', 'run', ...extra], {
    stdio: 'inherit',
    env: { ...process.env, ASTRO_MUTATION_PART: name },
  });
  console.log(`== ${name}: ${Math.round((Date.now() - started) / 1000)} s`);
  if (run.status !== 0) process.exit(run.status ?? 1);
}
