/**
 * A TypeScript entry point of a spec's child processes, bundled once into one
 * JavaScript file (esbuild; packages stay in node_modules), so that each child
 * starts with plain `node` (~0.5 s) rather than loading every module through
 * tsx (~2 s on the shared machine). The bundle lives under
 * node_modules/.cache (so that it resolves the packages) in a dir of its own,
 * removed when the spec's process exits.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const built = new Map<string, Promise<string>>();
let dir: string | undefined;

/** The path of `entry` (relative to the repository) bundled as CommonJS for Node 20. */
export function compiledScript(entry: string): Promise<string> {
  let out = built.get(entry);
  if (!out) {
    if (!dir) {
      const cache = path.join(REPO_ROOT, 'node_modules', '.cache');
      mkdirSync(cache, { recursive: true });
      const d = mkdtempSync(path.join(cache, 'astro-rx-child-'));
      dir = d;
      process.once('exit', () => rmSync(d, { recursive: true, force: true }));
    }
    const outfile = path.join(dir, `${path.basename(entry, '.ts')}-${built.size}.js`);
    out = build({ entryPoints: [path.join(REPO_ROOT, entry)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error', absWorkingDir: REPO_ROOT }).then(() => outfile);
    built.set(entry, out);
  }
  return out;
}
