/**
 * The package build (`npm run build`): three builds into `dist/`.
 *
 * | entry | formats | platform | notes |
 * | --- | --- | --- | --- |
 * | `index` (`astro-rx`) | CJS `.js` + ESM `.mjs`, `.d.ts` + `.d.mts` | node | uses `ws` in Node |
 * | `protocol/index` (`astro-rx/protocol`) | CJS + ESM, declarations | node | codecs, decoder, commands, policies |
 * | `operators/index` (`astro-rx/operators`) | CJS + ESM, declarations | node | `connect`, `runMachine` |
 * | `payloads/index` (`astro-rx/payloads`) | CJS + ESM, declarations | node | the payload codecs, for `validatePayloads` |
 * | `testing/index` (`astro-rx/testing`) | CJS + ESM, declarations | node | the emulator (Node only) |
 * | `browser/index`, `browser/protocol/index`, `browser/operators/index`, `browser/payloads/index` (`browser` condition; chunks in `browser/`) | ESM | browser | `defaultWebSocket` → `defaultWebSocket.browser`: no `ws`, no Node built-in; `defaultPayloadCodecs` → `defaultPayloadCodecs.browser`: no payload codec unless the app imports `astro-rx/payloads` |
 * | `cli/main` (the `astro-rx` bin) | CJS, executable | node | built when `lib/cli/main.ts` exists |
 *
 * Each build splits the code its entries share into chunks (CommonJS too), so
 * that `AstroError` is one class whichever entry a value came from (`instanceof`
 * works across `astro-rx`, `astro-rx/operators` and `astro-rx/testing`;
 * `scripts/pack-smoke.sh` checks it). The Node build sets `treeshake`, so that
 * rollup writes the chunks: without it, tsup converts CommonJS chunks with
 * sucrase, which turned a class field named like an export of its chunk into an
 * assignment to that export (`this.count = exports.count = 0`) and rewrote
 * every `?.` and `??` into helper calls.
 *
 * Dependencies and peer dependencies (rxjs, io-ts, fp-ts, rxjs-for-await, ws)
 * stay external: the bundles hold only this package's code.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/** Resolves every import of `…/transport/defaultWebSocket` and `…/protocol/defaultPayloadCodecs` to its `.browser.ts` twin. */
const browserTransport: EsbuildPlugin = {
  name: 'astro-rx-browser-transport',
  setup(build) {
    build.onResolve({ filter: /(^|\/)(defaultWebSocket|defaultPayloadCodecs)$/ }, (args) => {
      const file = path.resolve(args.resolveDir, `${args.path}.browser.ts`);
      if (!existsSync(file)) return undefined;
      return { path: file };
    });
  },
};

/**
 * fp-ts and io-ts have no `exports` map: `fp-ts/Either` is a folder with a package.json, which
 * bundlers and `require` resolve but Node's ESM loader refuses (ERR_UNSUPPORTED_DIR_IMPORT). The
 * Node ESM build imports the CommonJS files by their full path instead (`fp-ts/lib/Either.js`),
 * the same modules `require` loads; the CJS build keeps the short path. Both stay external.
 */
const DEEP_IMPORT = /^(fp-ts|io-ts)\/([A-Za-z]+)$/;
const nodeDeepImports: EsbuildPlugin = {
  name: 'astro-rx-node-deep-imports',
  setup(build) {
    const esm = build.initialOptions.format === 'esm';
    build.onResolve({ filter: DEEP_IMPORT }, (args) => {
      const [, pkg, mod] = DEEP_IMPORT.exec(args.path) ?? [];
      return { path: esm ? `${pkg}/lib/${mod}.js` : args.path, external: true };
    });
  },
};

const common: Options = {
  target: 'es2022',
  sourcemap: false,
  outDir: 'dist',
  tsconfig: 'tsconfig.build.json',
  // `dist/` is emptied by the npm script before the three builds run in parallel
  clean: false,
  shims: false,
  outExtension: ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.js' }),
};

const CLI_ENTRY = 'lib/cli/main.ts';
const CLI_OUT = 'dist/cli/main.js';

/** The bin must start with a hashbang and be executable, whatever the source has. */
const makeExecutable = async () => {
  const code = readFileSync(CLI_OUT, 'utf8');
  if (!code.startsWith('#!')) writeFileSync(CLI_OUT, `#!/usr/bin/env node\n${code}`);
  chmodSync(CLI_OUT, 0o755);
};

export default defineConfig([
  {
    ...common,
    entry: {
      index: 'lib/index.ts',
      'protocol/index': 'lib/protocol/index.ts',
      'operators/index': 'lib/operators/index.ts',
      'payloads/index': 'lib/payloads/index.ts',
      'testing/index': 'lib/testing/index.ts',
      // Node only, and never in the browser build: ioredis is an optional peer, imported only as types
      'redis/index': 'lib/redis/index.ts',
    },
    format: ['cjs', 'esm'],
    platform: 'node',
    splitting: true,
    treeshake: true,
    dts: true,
    noExternal: [DEEP_IMPORT],
    esbuildPlugins: [nodeDeepImports],
    // `defaultWebSocket.ts` loads `ws` lazily with `require` (only in Node, only when no
    // WebSocketCtor is injected); an ES module has no `require`, so the Node ESM build gets one.
    banner: ({ format }) =>
      format === 'esm'
        ? { js: "import { createRequire as __astroRxCreateRequire } from 'node:module';\nconst require = __astroRxCreateRequire(import.meta.url);" }
        : undefined,
  },
  {
    ...common,
    // its own folder, so that its chunks never mix with the Node build's
    outDir: 'dist/browser',
    entry: {
      index: 'lib/index.ts',
      'protocol/index': 'lib/protocol/index.ts',
      'operators/index': 'lib/operators/index.ts',
      'payloads/index': 'lib/payloads/index.ts',
    },
    format: ['esm'],
    platform: 'browser',
    splitting: true,
    esbuildPlugins: [browserTransport],
  },
  ...(existsSync(CLI_ENTRY)
    ? [
        {
          ...common,
          entry: { 'cli/main': CLI_ENTRY },
          format: ['cjs'],
          platform: 'node',
          onSuccess: makeExecutable,
        } satisfies Options,
      ]
    : []),
]);
