/**
 * The Redis commands end to end, as child processes: `rooms add|list|remove`,
 * `bridge` (tokens from ASTRO_TOKEN_<REF> and --token-dir, never printed) and
 * `consume` (NDJSON, acked after printing).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../../lib/testing';
import { parseBridgeArgs, parseRoomsArgs, tokenEnvName } from '../../lib/cli/redisArgs';
import { tokenResolver } from '../../lib/cli/redisCommands';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';
import { waitUntil } from '../helpers/waitUntil';
import { childEnv, killChildren, runTsx, within, JWT_LIKE } from '../cli/childProcess';
import { compiledScript } from '../helpers/compiledScript';

jest.setTimeout(60_000);

let CLI = 'lib/cli/main.ts';
let server: RedisServer;
let emulator: Emulator;
const dirs: string[] = [];

afterAll(async () => {
  await killChildren();
  await emulator?.close();
  await server?.kill();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
}, 30_000);

describe('astro-rx bridge, rooms, consume', () => {
  it('parse their arguments, refuse a token on argv, and resolve tokens from env or a dir', () => {
    expect(parseBridgeArgs(['--redis', 'redis://h:1', '--token', 'x'])).toMatchObject({ kind: 'error', exitCode: 64 });
    expect(parseBridgeArgs([])).toMatchObject({ kind: 'error', exitCode: 64 });
    expect(parseRoomsArgs(['add', '--redis', 'redis://h:1', '--topic', 't', '--room', 'r', '--token-ref', '../etc'])).toMatchObject({ kind: 'error' });
    expect(tokenEnvName('main-2')).toBe('ASTRO_TOKEN_MAIN_2');
    const dir = mkdtempSync(path.join(tmpdir(), 'astro-rx-tokens-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'b'), 'from-file\n');
    const tokenFor = tokenResolver({ ASTRO_TOKEN_A: 'from-env' }, dir, (p) => readFileSync(p, 'utf8'));
    expect([tokenFor('a'), tokenFor('b'), tokenFor('c'), tokenFor('../b')]).toEqual(['from-env', 'from-file', undefined, undefined]);
  });

  it('edit the desired set, run a worker and print its stream as NDJSON', async () => {
    CLI = await compiledScript('lib/cli/main.ts');
    server = await startRedisServer();
    emulator = await startEmulator({ port: 0 });
    const token = emulator.issueToken({ channel: '*', scopes: ['*'] });
    const run = async (args: string[]) => {
      const c = runTsx(CLI, args, childEnv());
      expect(await within(c.exited, 20_000, args.join(' '))).toBe(0);
      return c.stdout();
    };
    expect(await run(['rooms', 'add', '--redis', server.url, '--topic', 'channel.tips', '--room', 'c1', '--token-ref', 'main'])).toBe('added 1\n');
    expect((await run(['rooms', 'list', '--redis', server.url])).trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ topic: 'channel.tips', room: 'c1', tokenRef: 'main' }]);

    const bridge = runTsx(CLI, ['bridge', '--redis', server.url, '--url', emulator.url, '--worker-id', 'cli-w', '--lease-ms', '1000'], childEnv({ ASTRO_TOKEN_MAIN: token }));
    // started meanwhile: it waits for its 3 entries
    const consume = runTsx(CLI, ['consume', '--redis', server.url, '--topic', 'channel.tips', '--group', 'g', '--consumer', 'c', '--count', '3'], childEnv());
    await bridge.waitFor(/owns 1, subscribed 1/, 20_000, 'stderr');
    await waitUntil(() => emulator.subscriptionCount('channel.tips', 'c1') === 1, 10_000, 'subscribed');
    for (let i = 1; i <= 3; i++) emulator.publish('channel.tips', 'c1', { donation: { amount: i, currency: 'EUR' } });
    expect(await within(consume.exited, 20_000, 'consume')).toBe(0);
    const printed = consume.stdout().trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: { donation: { amount: number } } });
    expect(printed.map((e) => [e.type, e.data.donation.amount])).toEqual([['message', 1], ['message', 2], ['message', 3]]);
    bridge.proc.kill('SIGTERM');
    expect(await within(bridge.exited, 20_000, 'bridge stop')).toBe(0);
    for (const text of [bridge.stdout(), bridge.stderr(), consume.stdout(), consume.stderr()]) {
      expect(text).not.toContain(token);
      expect(text).not.toMatch(JWT_LIKE);
    }
  });
});
