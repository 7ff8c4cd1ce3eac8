/**
 * Section 5, bundle size: the browser entry (lib/index.ts with
 * transport/defaultWebSocket → defaultWebSocket.browser, as tsup.config.ts does
 * for dist/browser) bundled by esbuild (minify, platform browser, conditions
 * ['browser'], ESM), gzipped with zlib (level 9):
 *
 * - own code: rxjs, io-ts, fp-ts and rxjs-for-await external;
 * - all included: every dependency bundled (tree-shaken to what is used).
 *
 * Also, for information: a typical app importing only `createAstroClient`,
 * and the library files that weigh most in the own-code bundle.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { ROOT, emitResult, log } from '../common';

const ENTRY = path.join(ROOT, 'lib/index.ts');
const DEPENDENCIES = ['rxjs', 'io-ts', 'fp-ts', 'rxjs-for-await'];

const browserTransport: Plugin = {
  name: 'browser-transport',
  setup(b) {
    b.onResolve({ filter: /(^|\/)defaultWebSocket$/ }, (args) => {
      const file = path.resolve(args.resolveDir, `${args.path}.browser.ts`);
      return existsSync(file) ? { path: file } : undefined;
    });
  },
};

/** `ws` must never be reached from the browser entry: it is marked external and looked for in the output. */
const external = (deps: readonly string[]) => ['ws', ...deps.flatMap((d) => [d, `${d}/*`])];

async function bundle(contents: string | undefined, deps: readonly string[]) {
  const result = await build({
    ...(contents === undefined ? { entryPoints: [ENTRY] } : { stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'app.ts' } }),
    bundle: true,
    write: false,
    minify: true,
    platform: 'browser',
    conditions: ['browser'],
    format: 'esm',
    target: 'es2022',
    external: external(deps),
    plugins: [browserTransport],
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  const imports = Object.values(result.metafile.outputs)[0]?.imports ?? [];
  return {
    minBytes: code.length,
    gzBytes: gzipSync(code, { level: 9 }).length,
    includesWs: imports.some((i) => i.path === 'ws') || Object.keys(inputs).some((k) => k.includes('node_modules/ws/')),
    inputs: Object.entries(inputs).map(([file, info]) => ({ file, bytes: info.bytesInOutput })),
  };
}

const kib = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;

async function main(): Promise<void> {
  const own = await bundle(undefined, DEPENDENCIES);
  const all = await bundle(undefined, []);
  const app = await bundle(`export { createAstroClient } from './lib';`, []);
  const appOwn = await bundle(`export { createAstroClient } from './lib';`, DEPENDENCIES);
  const heaviest = own.inputs
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 6)
    .map((i) => ({ file: i.file, minBytes: i.bytes }));
  // what each package adds to the all-included bundle (minified, before gzip; tslib comes with rxjs)
  const byDependency: Record<string, number> = {};
  for (const i of all.inputs) {
    const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i.file)?.[1] ?? 'astro-rx';
    byDependency[dep] = (byDependency[dep] ?? 0) + i.bytes;
  }
  const ownGz = kib(own.gzBytes);
  const allGz = kib(all.gzBytes);
  log(`bundle: own ${ownGz} KiB gz, all included ${allGz} KiB gz`);
  emitResult({
    entry: 'lib/index.ts (browser: defaultWebSocket.browser.ts)',
    own: { minKiB: kib(own.minBytes), gzKiB: ownGz },
    all: { minKiB: kib(all.minBytes), gzKiB: allGz, minKiBByDependency: Object.fromEntries(Object.entries(byDependency).map(([k, v]) => [k, kib(v)])) },
    createAstroClientOnly: { ownGzKiB: kib(appOwn.gzBytes), allGzKiB: kib(app.gzBytes) },
    includesWs: own.includesWs || all.includesWs,
    heaviestOwnFiles: heaviest,
    targets: {
      own: { value: ownGz, target: '<= 5 KiB gz', met: ownGz <= 5 },
      all: { value: allGz, target: '<= 14 KiB gz', met: allGz <= 14 },
    },
  });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
