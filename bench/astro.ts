/**
 * The client as its users run it. The bench runs under `tsx`, whose esbuild
 * transform keeps function names by wrapping every function expression in a
 * `__name(fn, "…")` call (an `Object.defineProperty` per closure created):
 * measured on `lib/` sources, every closure a client creates would pay for it,
 * which the published build (tsup, no `keepNames`) does not. So the sections
 * that time the client load `lib/index.ts` bundled by esbuild the way the
 * package build does it (dependencies external, no `keepNames`), one file per
 * process (built in ~0.1 s, before anything is measured, then deleted).
 *
 * Set `ASTRO_BENCH_SOURCE=1` to measure the `tsx`-transformed sources instead.
 */
import { buildSync } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type * as Lib from '../lib/index';
import { ROOT } from './common';

function load(): typeof Lib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (process.env['ASTRO_BENCH_SOURCE'] === '1') return require('../lib/index') as typeof Lib;
  const dir = path.join(ROOT, '.tmp', 'bench');
  const file = path.join(dir, `astro-rx-${process.pid}.cjs`);
  mkdirSync(dir, { recursive: true });
  buildSync({ entryPoints: [path.join(ROOT, 'lib/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', outfile: file, logLevel: 'error' });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as typeof Lib;
  } finally {
    rmSync(file, { force: true });
  }
}

/** `astro-rx`'s root entry, built as published. */
export const astro: typeof Lib = load();
export const { createAstroClient } = astro;
