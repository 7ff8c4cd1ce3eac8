/**
 * The client in a real browser (`npm run test:browser`, after `npm run build`).
 *
 * The page (`page/main.ts`) is bundled with esbuild for the browser, importing
 * `astro-rx` by name so that it resolves through the package's `browser`
 * condition to `dist/browser/index.mjs`; the bundle must not contain `ws` or any
 * Node built-in. Headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core) loads it from a loopback HTTP server; it connects with the
 * native WebSocket to the emulator, subscribes, and lists the events it gets.
 * The test publishes before, during and after a drain (token handover, no
 * gap) and before and after an abrupt drop (backoff, resubscribe, one gap),
 * and checks that every event is shown exactly once.
 *
 * It also records the gzipped size of the bundles in `docs/bundle-size.json`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, version as esbuildVersion, type Metafile } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../../lib/testing';

const ROOT = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOM = 'browser-room';
const TOPIC = 'channel.tips';
const WAIT_MS = 10_000;

interface Bundle {
  readonly code: string;
  readonly minified: number;
  readonly gzip: number;
  readonly metafile: Metafile;
}

/** Bundles `entry` (or `contents`) for the browser, resolving `astro-rx` through the package's exports. */
async function bundle(entry: { file: string } | { contents: string }): Promise<Bundle> {
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: path.join(ROOT, 'spec/browser'), loader: 'ts' } }),
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    // no tsconfig: its `paths` map `astro-rx` to the sources; the page must get the published build
    tsconfigRaw: '{}',
  });
  const code = result.outputFiles[0]!.text;
  return { code, minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length, metafile: result.metafile };
}

/** Minified bytes per package (the first path segment after node_modules; `astro-rx` for dist/). */
function byPackage(metafile: Metafile): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0) continue;
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = m ? m[1]! : input.startsWith('dist/') ? 'astro-rx' : input;
      totals[name] = (totals[name] ?? 0) + bytesInOutput;
    }
  }
  return Object.fromEntries(Object.entries(totals).sort(([, a], [, b]) => b - a));
}

function assertBrowserSafe(name: string, metafile: Metafile): void {
  const inputs = Object.keys(metafile.inputs);
  const offending = inputs.filter((i) => /node_modules\/ws\//.test(i) || /^node:/.test(i) || /(^|\/)lib\//.test(i));
  expect({ name, offending }).toEqual({ name, offending: [] });
  expect(inputs).toContain('dist/browser/index.mjs');
}

const pollUntil = async (what: string, check: () => boolean, timeoutMs = WAIT_MS): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('astro-rx in Chromium (native WebSocket, browser build)', () => {
  let emulator: Emulator;
  let server: http.Server;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, 'dist/browser/index.mjs'))) {
      throw new Error('dist/browser/index.mjs is missing: run `npm run build` before `npm run test:browser`');
    }
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    }
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    if (profile) rmSync(profile, { recursive: true, force: true });
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await emulator?.close();
  });

  it('bundles without ws or Node built-ins, and records the size', async () => {
    const minimal = await bundle({ contents: "import { createAstroClient } from 'astro-rx';\nexport { createAstroClient };\n" });
    const testPage = await bundle({ file: 'spec/browser/page/main.ts' });
    assertBrowserSafe('createAstroClient only', minimal.metafile);
    assertBrowserSafe('test page', testPage.metafile);

    const record = {
      description:
        'Browser bundles of astro-rx (esbuild, platform browser, ESM, minified; gzip level 9), measured by spec/browser/chromium.e2e.ts. rxjs, io-ts, fp-ts and rxjs-for-await are included.',
      esbuild: esbuildVersion,
      createAstroClient: { minifiedBytes: minimal.minified, gzipBytes: minimal.gzip, minifiedBytesByPackage: byPackage(minimal.metafile) },
      testPage: { minifiedBytes: testPage.minified, gzipBytes: testPage.gzip },
    };
    writeFileSync(path.join(ROOT, 'docs/bundle-size.json'), JSON.stringify(record, null, 2) + '\n');
    console.log(
      `browser bundle: createAstroClient only ${(minimal.minified / 1024).toFixed(1)} KiB minified, ${(minimal.gzip / 1024).toFixed(1)} KiB gzipped; ` +
        `test page ${(testPage.minified / 1024).toFixed(1)} KiB minified, ${(testPage.gzip / 1024).toFixed(1)} KiB gzipped`,
    );

    // serve the page
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>astro-rx</title></head><body>
<p id="status" data-status="none">none</p><p id="error"></p><ul id="events"></ul><ul id="gaps"></ul><pre id="metrics"></pre>
<script type="module" src="/app.js"></script></body></html>`;
    server = http.createServer((req, res) => {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (pathname === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      else if (pathname === '/app.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(testPage.code);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  it('subscribes, and survives a drain (token handover) and an abrupt drop (backoff, resubscribe)', async () => {
    emulator = await startEmulator({ port: 0, host: '127.0.0.1', drainGraceMs: 1500 });
    const token = emulator.issueToken({ channel: ROOM, scopes: ['tips:read'] });

    profile = mkdtempSync(path.join(os.tmpdir(), 'astro-rx-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const { port } = server.address() as AddressInfo;
    const query = new URLSearchParams({ url: emulator.url, token, room: ROOM });
    await page.goto(`http://127.0.0.1:${port}/?${query}`);

    const shown = (message: string) => page.locator(`#events li[data-message="${message}"]`);
    const publish = (message: string) => emulator.publish(TOPIC, ROOM, { donation: { amount: 5, currency: 'USD', message } });
    const expectShownOnce = async (message: string) => {
      await shown(message).first().waitFor({ timeout: WAIT_MS });
      expect(await shown(message).count()).toBe(1);
    };
    const subscribed = () => emulator.subscriptionCount(TOPIC, ROOM) === 1;
    const metrics = async () => JSON.parse((await page.locator('#metrics').textContent()) ?? '{}');

    // 1. subscribe, receive
    await page.locator('#status[data-status="open"]').waitFor({ timeout: WAIT_MS });
    await pollUntil('the subscription', subscribed);
    expect(publish('before-drain').delivered).toBe(1);
    await expectShownOnce('before-drain');

    // 2. drain: the gateway hands the connection over with a reconnect token
    const drained = emulator.drain();
    publish('drain-started'); // reaches the old connection
    await pollUntil('the restored connection', () => emulator.connections().some((c) => c.restored && !c.draining));
    publish('drain-overlap'); // both connections hold the subscription: shown once
    await drained;
    await pollUntil('the subscription after the drain', subscribed);
    publish('after-drain');
    for (const message of ['drain-started', 'drain-overlap', 'after-drain']) await expectShownOnce(message);
    expect(await page.locator('#gaps li').count()).toBe(0);
    expect((await metrics()).reconnects.handover).toBeGreaterThanOrEqual(1);

    // 3. abrupt drop: no close frame, no reconnect token; backoff, reconnect, resubscribe
    emulator.faults.dropAll();
    await page.locator('#gaps li').first().waitFor({ timeout: WAIT_MS });
    await page.locator('#status[data-status="open"]').waitFor({ timeout: WAIT_MS });
    await pollUntil('the resubscription', subscribed);
    publish('after-drop');
    await expectShownOnce('after-drop');
    expect(await page.locator('#gaps li').count()).toBe(1);

    const events = await page.locator('#events li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.message));
    expect(events).toEqual(['before-drain', 'drain-started', 'drain-overlap', 'after-drain', 'after-drop']);
    expect(await page.locator('#error').textContent()).toBe('');
    expect(pageErrors).toEqual([]);
  });
});
