#!/usr/bin/env node
/**
 * `npm run mutation [-- folder ...] [-- --force]`: StrykerJS over the core, one run per folder
 * (protocol, policies, operators, connection, client), each with its own incremental
 * file (reports/stryker-incremental/<folder>.json) and report (reports/mutation/<folder>/).
 * Runs under `nice`: the machine is shared. Exits with the first failing run's code;
 * the scores are checked afterwards by `npm run mutation:score`.
 */
import { spawnSync } from 'node:child_process';

const FOLDERS = ['protocol', 'policies', 'operators', 'connection', 'client'];
const args = process.argv.slice(2);
const extra = args.filter((a) => a.startsWith('--'));
const named = args.filter((a) => !a.startsWith('--'));
const unknown = named.filter((f) => !FOLDERS.includes(f));
if (unknown.length > 0) {
  console.error(`unknown folder(s): ${unknown.join(', ')}; the core folders are ${FOLDERS.join(', ')}`);
  process.exit(2);
}

for (const folder of named.length > 0 ? named : FOLDERS) {
  const started = Date.now();
  console.log(`\n== mutation testing lib/${folder}`);
  const run = spawnSync('nice', ['-n', '10', 'npx', 'stryker', 'run', ...extra], {
    stdio: 'inherit',
    env: { ...process.env, ASTRO_MUTATION_FOLDER: folder },
  });
  console.log(`== lib/${folder}: ${Math.round((Date.now() - started) / 1000)} s`);
  if (run.status !== 0) process.exit(run.status ?? 1);
}
