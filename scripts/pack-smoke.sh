#!/usr/bin/env bash
# Installs the packed tarball (what `npm publish` would upload) into an empty
# folder, as a user would, and loads every entry point (astro-rx, astro-rx/protocol,
# astro-rx/operators, astro-rx/payloads, astro-rx/testing, astro-rx/redis) with require and import.
# Run after `npm run build`. Uses the npm registry for the dependencies only.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f dist/index.js ] || { echo "pack-smoke: dist/ is missing; run npm run build first" >&2; exit 1; }

# The browser build (every entry and chunk under dist/browser/) must not reach for `ws` or a Node built-in.
for entry in index protocol/index operators/index payloads/index; do
  [ -f "dist/browser/$entry.mjs" ] || { echo "pack-smoke: dist/browser/$entry.mjs is missing" >&2; exit 1; }
done
if grep -rnE "from ['\"](ws|node:[a-z_/]+|http|https|net|tls|crypto|stream|events|module)['\"]|require\(" dist/browser; then
  echo "pack-smoke: dist/browser/ imports ws or a Node built-in" >&2
  exit 1
fi
# astro-rx/redis is Node only: neither it nor ioredis may reach the browser build
if grep -rlE "ioredis|XREADGROUP|startBridge" dist/browser; then
  echo "pack-smoke: dist/browser/ holds ioredis or astro-rx/redis (files above)" >&2
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

cat >entries.js <<'EOF'
// Every entry loads, exports what it documents, and the entries share one AstroError class.
module.exports = async function entries({ core, protocol, operators, payloads, testing, redis, rxjs }, label) {
  const functions = {
    'astro-rx': [core, ['createAstroClient', 'AstroError', 'isAstroError', 'openSocket']],
    'astro-rx/protocol': [protocol, ['decodeFrame', 'subscribeCommand', 'encodeCommand', 'isRetryable', 'backoffDelay', 'take', 'matchDecodeFailure']],
    'astro-rx/operators': [operators, ['connect', 'runMachine']],
    'astro-rx/testing': [testing, ['startEmulator', 'virtualGateway']],
    // loads without ioredis installed: the bridge takes the caller's client
    'astro-rx/redis': [redis, ['startBridge', 'fromRedisStream', 'addDesired', 'removeDesired', 'listDesired', 'redisKeys']],
  };
  for (const [entry, [module, names]] of Object.entries(functions)) {
    for (const name of names) if (typeof module[name] !== 'function') throw new Error(label + ': ' + entry + ' ' + name + ' is ' + typeof module[name]);
  }
  if (typeof protocol.TOPICS['channel.tips'] !== 'object') throw new Error(label + ': astro-rx/protocol has no TOPICS');
  if (payloads.PAYLOAD_CODECS['channel.tips'] !== payloads.TipPayload) throw new Error(label + ': astro-rx/payloads has no PAYLOAD_CODECS');
  const tipFrame = '{"type":"message","topic":"channel.tips","room":"c1","data":{"donation":{}}}';
  if (protocol.decodeFrame(tipFrame, { validatePayloads: payloads.PAYLOAD_CODECS })._tag !== 'Left') throw new Error(label + ': validatePayloads with astro-rx/payloads accepted a bad tip');
  const welcome = protocol.decodeFrame('{"type":"welcome","data":{"client_id":"c1"}}');
  if (welcome._tag !== 'Right' || welcome.right.data.client_id !== 'c1') throw new Error(label + ': decodeFrame gave ' + JSON.stringify(welcome));
  const totals = [];
  rxjs.of(1, 2, 3).pipe(operators.runMachine((sum, n) => ({ state: sum + n, outputs: [sum + n] }), 0, undefined)).subscribe((n) => totals.push(n));
  if (totals.join() !== '1,3,6') throw new Error(label + ': runMachine gave ' + totals.join());
  // an error made in astro-rx/operators is an AstroError of astro-rx
  const down = await rxjs.firstValueFrom(
    operators
      .connect({ url: 'ws://127.0.0.1:1', intents: rxjs.NEVER, tokenOf: () => undefined, openSocket: () => rxjs.throwError(() => new Error('refused')) })
      .pipe(rxjs.filter((e) => e.type === 'disconnected')),
  );
  if (!core.isAstroError(down.error, 'transport')) throw new Error(label + ': the error of astro-rx/operators is not an AstroError of astro-rx');
  if (redis.redisKeys('astro').stream('channel.tips') !== 'astro:{channel.tips}:stream') throw new Error(label + ': astro-rx/redis key layout');
  console.log('   ' + label + ': astro-rx, astro-rx/protocol, astro-rx/operators, astro-rx/payloads, astro-rx/testing, astro-rx/redis ok');
};
EOF

echo "== require (CommonJS)"
node -e "
const core = require('astro-rx');
const protocol = require('astro-rx/protocol');
const operators = require('astro-rx/operators');
const payloads = require('astro-rx/payloads');
const testing = require('astro-rx/testing');
const redis = require('astro-rx/redis');
for (const [entry, file] of [['astro-rx', 'dist/index.js'], ['astro-rx/protocol', 'dist/protocol/index.js'], ['astro-rx/operators', 'dist/operators/index.js'], ['astro-rx/payloads', 'dist/payloads/index.js'], ['astro-rx/testing', 'dist/testing/index.js'], ['astro-rx/redis', 'dist/redis/index.js']]) {
  if (!require.resolve(entry).endsWith(file)) throw new Error('require resolved ' + entry + ' to ' + require.resolve(entry));
}
(async () => {
  await require('./entries.js')({ core, protocol, operators, payloads, testing, redis, rxjs: require('rxjs') }, 'require');
  await require('./roundtrip.js')(core, testing, 'require');
})().catch((e) => { console.error(e); process.exit(1); });
"

echo "== import (ES module)"
node --input-type=module -e "
const core = await import('astro-rx');
const protocol = await import('astro-rx/protocol');
const operators = await import('astro-rx/operators');
const payloads = await import('astro-rx/payloads');
const testing = await import('astro-rx/testing');
const redis = await import('astro-rx/redis');
for (const [entry, file] of [['astro-rx', 'dist/index.mjs'], ['astro-rx/protocol', 'dist/protocol/index.mjs'], ['astro-rx/operators', 'dist/operators/index.mjs'], ['astro-rx/payloads', 'dist/payloads/index.mjs'], ['astro-rx/testing', 'dist/testing/index.mjs'], ['astro-rx/redis', 'dist/redis/index.mjs']]) {
  const url = import.meta.resolve(entry);
  if (!url.endsWith(file)) throw new Error('import resolved ' + entry + ' to ' + url);
}
const { createRequire } = await import('node:module');
const require = createRequire(import.meta.url);
await require('./entries.js')({ core, protocol, operators, payloads, testing, redis, rxjs: await import('rxjs') }, 'import');
await require('./roundtrip.js')(core, testing, 'import');
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
