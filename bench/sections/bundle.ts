/**
 * Section 5, bundle size. Every bundle comes from one of two esbuild calls with
 * the same entry points and options (minify, platform browser, conditions
 * ['browser'], ESM, es2022, no splitting, so each entry is measured alone),
 * gzipped with zlib (level 9):
 *
 * - all included: every dependency bundled (tree-shaken to what is used);
 * - own code: each library's dependencies external (rxjs, io-ts, fp-ts,
 *   rxjs-for-await; graphql; event-target-polyfill).
 *
 * Entry points:
 *
 * - `lib/index.ts`, the browser entry (transport/defaultWebSocket and
 *   protocol/defaultPayloadCodecs resolved to their `.browser.ts` twins, as
 *   tsup.config.ts does for dist/browser);
 * - `createAstroClient`: an app importing only `createAstroClient` (the
 *   issue's targets: own ≤ 8 KiB gz, all ≤ 16 KiB gz);
 * - minimal apps, one subscription each: astro-rx (`topic()` + `subscribe`),
 *   astro-rx validating that topic's payload (`astro-rx/payloads`), graphql-ws
 *   (`createClient` + `subscribe`), partysocket (a reconnecting WebSocket that
 *   sends a subscribe command and parses messages).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { ROOT, emitResult, log } from '../common';

const DEPENDENCIES = ['rxjs', 'io-ts', 'fp-ts', 'rxjs-for-await', 'graphql', 'event-target-polyfill'];

/** The entries: a file, or an app's source (resolved from the repository root; `./lib` is astro-rx). */
const APPS = {
  entry: { file: 'lib/index.ts' },
  createAstroClient: { code: `export { createAstroClient } from './lib';` },
  'astro-rx': {
    code: `import { createAstroClient } from './lib';
createAstroClient({ token: 'T' }).topic('channel.tips', { room: 'R' }).subscribe((e) => console.log(e.data.donation.amount));`,
  },
  'astro-rx + payload check': {
    code: `import { createAstroClient } from './lib';
import { TipPayload } from './lib/payloads';
createAstroClient({ token: 'T', validatePayloads: { 'channel.tips': TipPayload } }).topic('channel.tips', { room: 'R' }).subscribe((e) => console.log(e.data.donation.amount));`,
  },
  'graphql-ws': {
    code: `import { createClient } from 'graphql-ws';
createClient({ url: 'wss://example.com/graphql' }).subscribe({ query: 'subscription { tips(room: "R") { amount } }' }, { next: (d) => console.log(d), error: console.error, complete: () => undefined });`,
  },
  partysocket: {
    code: `import { WebSocket } from 'partysocket';
const ws = new WebSocket('wss://example.com/gateway');
ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'subscribe', nonce: 'n', data: { topic: 'channel.tips', room: 'R', token: 'T', token_type: 'jwt' } })));
ws.addEventListener('message', (e) => console.log(JSON.parse(e.data)));`,
  },
} as const satisfies Record<string, { file: string } | { code: string }>;
type App = keyof typeof APPS;

const browserTwins: Plugin = {
  name: 'browser-twins',
  setup(b) {
    b.onResolve({ filter: /(^|\/)(defaultWebSocket|defaultPayloadCodecs)$/ }, (args) => {
      const file = path.resolve(args.resolveDir, `${args.path}.browser.ts`);
      return existsSync(file) ? { path: file } : undefined;
    });
  },
};

/** Each app's source as a virtual module `app:<name>`. */
const apps: Plugin = {
  name: 'apps',
  setup(b) {
    b.onResolve({ filter: /^app:/ }, (args) => ({ path: args.path.slice(4), namespace: 'app' }));
    b.onLoad({ filter: /.*/, namespace: 'app' }, (args) => {
      const app = APPS[args.path as App];
      return { contents: 'code' in app ? app.code : '', resolveDir: ROOT, loader: 'ts' };
    });
  },
};

/** `ws` must never be reached from a browser entry: it is marked external and looked for in the output. */
const external = (deps: readonly string[]) => ['ws', ...deps.flatMap((d) => [d, `${d}/*`])];

interface Measured {
  minBytes: number;
  gzBytes: number;
  includesWs: boolean;
  inputs: Array<{ file: string; bytes: number }>;
}

/** One esbuild call over every entry; the bundle of each, by entry name. */
async function bundleAll(deps: readonly string[]): Promise<Record<App, Measured>> {
  const names = Object.keys(APPS) as App[];
  const result = await build({
    entryPoints: Object.fromEntries(names.map((n, i) => [`e${i}`, 'file' in APPS[n] ? path.join(ROOT, (APPS[n] as { file: string }).file) : `app:${n}`])),
    outdir: path.join(ROOT, '.bundle-bench'),
    bundle: true,
    write: false,
    minify: true,
    platform: 'browser',
    conditions: ['browser'],
    format: 'esm',
    target: 'es2022',
    external: external(deps),
    plugins: [browserTwins, apps],
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const out = {} as Record<App, Measured>;
  names.forEach((name, i) => {
    const file = result.outputFiles.find((f) => path.basename(f.path) === `e${i}.js`);
    const meta = Object.entries(result.metafile.outputs).find(([k]) => path.basename(k) === `e${i}.js`)?.[1] as Metafile['outputs'][string] | undefined;
    const code = file?.contents ?? new Uint8Array();
    const inputs = meta?.inputs ?? {};
    out[name] = {
      minBytes: code.length,
      gzBytes: gzipSync(code, { level: 9 }).length,
      includesWs: (meta?.imports ?? []).some((imp) => imp.path === 'ws') || Object.keys(inputs).some((k) => k.includes('node_modules/ws/')),
      inputs: Object.entries(inputs).map(([f, info]) => ({ file: f, bytes: info.bytesInOutput })),
    };
  });
  return out;
}

const kib = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;

/** What each package adds to a bundle (minified, before gzip; tslib comes with rxjs). */
function byPackage(m: Measured): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const i of m.inputs) {
    const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i.file)?.[1] ?? 'astro-rx';
    sizes[dep] = (sizes[dep] ?? 0) + i.bytes;
  }
  return Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, kib(v)]));
}

async function main(): Promise<void> {
  const own = await bundleAll(DEPENDENCIES);
  const all = await bundleAll([]);
  const heaviest = own.createAstroClient.inputs
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8)
    .map((i) => ({ file: i.file, minBytes: i.bytes }));
  const appOwn = kib(own.createAstroClient.gzBytes);
  const appAll = kib(all.createAstroClient.gzBytes);
  const minimalApps = Object.fromEntries(
    (['astro-rx', 'astro-rx + payload check', 'graphql-ws', 'partysocket'] as const).map((n) => [n, { ownGzKiB: kib(own[n].gzBytes), allGzKiB: kib(all[n].gzBytes) }]),
  );
  log(`bundle: createAstroClient only: own ${appOwn} KiB gz, all included ${appAll} KiB gz`);
  emitResult({
    entry: 'lib/index.ts (browser: defaultWebSocket.browser.ts, defaultPayloadCodecs.browser.ts)',
    own: { minKiB: kib(own.entry.minBytes), gzKiB: kib(own.entry.gzBytes) },
    all: { minKiB: kib(all.entry.minBytes), gzKiB: kib(all.entry.gzBytes), minKiBByDependency: byPackage(all.entry) },
    createAstroClientOnly: {
      ownGzKiB: appOwn,
      ownMinKiB: kib(own.createAstroClient.minBytes),
      allGzKiB: appAll,
      allMinKiB: kib(all.createAstroClient.minBytes),
      minKiBByDependency: byPackage(all.createAstroClient),
    },
    minimalApps,
    includesWs: Object.values(own).some((m) => m.includesWs) || Object.values(all).some((m) => m.includesWs),
    heaviestOwnFiles: heaviest,
    targets: {
      own: { value: appOwn, target: '<= 8 KiB gz', met: appOwn <= 8 },
      all: { value: appAll, target: '<= 16 KiB gz', met: appAll <= 16 },
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
