#!/usr/bin/env bash
# Installs the packed tarball (what `npm publish` would upload) into an empty
# folder, as a user would, and loads every entry point with require and import.
# Run after `npm run build`. Uses the npm registry for the dependencies only.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f dist/index.js ] || { echo "pack-smoke: dist/ is missing; run npm run build first" >&2; exit 1; }

# The browser build must not reach for `ws` or a Node built-in.
if grep -nE "from ['\"](ws|node:[a-z_/]+|http|https|net|tls|crypto|stream|events|module)['\"]|require\(" dist/browser/index.mjs; then
  echo "pack-smoke: dist/browser/index.mjs imports ws or a Node built-in" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npm pack --silent --pack-destination "$tmp" >/dev/null
tarball="$(ls "$tmp"/astro-rx-*.tgz)"
echo "== packed $(basename "$tarball"):"
tar -tzf "$tarball" | sed 's/^/   /'
# only what a user needs
if tar -tzf "$tarball" | grep -vE '^package/(dist/.*|README\.md|LICENSE|package\.json)$'; then
  echo "pack-smoke: unexpected files in the tarball (above)" >&2
  exit 1
fi

cd "$tmp"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund --no-package-lock "$tarball" rxjs@^7.8 >/dev/null

cat >roundtrip.js <<'EOF'
// One event through the emulator and the client: also loads `ws` in the format under test.
module.exports = async function roundtrip({ createAstroClient }, { startEmulator }, label) {
  const emulator = await startEmulator({ port: 0 });
  const client = createAstroClient({ url: emulator.url, token: emulator.issueToken({ channel: 'c1' }) });
  try {
    const got = new Promise((resolve, reject) => {
      client.topic('channel.tips', { room: 'c1' }).subscribe({ next: resolve, error: reject });
    });
    const deadline = Date.now() + 10000;
    while (emulator.subscriptionCount('channel.tips', 'c1') === 0) {
      if (Date.now() > deadline) throw new Error(label + ': no subscription within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    emulator.publish('channel.tips', 'c1', { donation: { amount: 5, currency: 'EUR' } });
    const event = await got;
    if (event.data.donation.amount !== 5) throw new Error(label + ': wrong event ' + JSON.stringify(event));
    console.log('   ' + label + ': round trip ok');
  } finally {
    client.close();
    await emulator.close();
  }
};
EOF

echo "== require (CommonJS)"
node -e "
const core = require('astro-rx');
const testing = require('astro-rx/testing');
for (const [name, v] of [['createAstroClient', core.createAstroClient], ['AstroError', core.AstroError], ['startEmulator', testing.startEmulator]]) {
  if (typeof v !== 'function') throw new Error(name + ' is ' + typeof v);
}
if (!require.resolve('astro-rx').endsWith('dist/index.js')) throw new Error('require resolved ' + require.resolve('astro-rx'));
require('./roundtrip.js')(core, testing, 'require').catch((e) => { console.error(e); process.exit(1); });
"

echo "== import (ES module)"
node --input-type=module -e "
const core = await import('astro-rx');
const testing = await import('astro-rx/testing');
for (const [name, v] of [['createAstroClient', core.createAstroClient], ['AstroError', core.AstroError], ['startEmulator', testing.startEmulator]]) {
  if (typeof v !== 'function') throw new Error(name + ' is ' + typeof v);
}
const url = import.meta.resolve('astro-rx');
if (!url.endsWith('dist/index.mjs')) throw new Error('import resolved ' + url);
const { createRequire } = await import('node:module');
await createRequire(import.meta.url)('./roundtrip.js')(core, testing, 'import');
"

echo "== bin"
[ -x node_modules/astro-rx/dist/cli/main.js ] || { echo "pack-smoke: dist/cli/main.js is not executable" >&2; exit 1; }
head -c 2 node_modules/astro-rx/dist/cli/main.js | grep -q '#!' || { echo "pack-smoke: the bin has no hashbang" >&2; exit 1; }
node_modules/.bin/astro-rx --help >/dev/null
version="$(node_modules/.bin/astro-rx --version)"
expected="astro-rx $(node -p "require('./node_modules/astro-rx/package.json').version")"
[ "$version" = "$expected" ] || { echo "pack-smoke: astro-rx --version printed '$version', expected '$expected'" >&2; exit 1; }
echo "   astro-rx --help, --version ok"
echo "pack-smoke: ok"
