/**
 * Runs the Node examples (examples/node) as users would, with tsx, against the
 * emulator: the URL and the token go through the environment, the test
 * publishes, and checks what the example prints and that it exits by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../../lib/testing';

const ROOT = path.resolve(__dirname, '../..');
const EXIT_TIMEOUT_MS = 15_000;

interface Run {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (or the signal); kills the child after EXIT_TIMEOUT_MS. */
  readonly exited: Promise<number | string>;
}

/** `node --import tsx examples/node/<file>`: tsx resolves `astro-rx` to lib/ through tsconfig.json's paths. */
function runExample(file: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('examples/node', file)], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function until(what: string, check: () => boolean, run: Run, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline || run.child.exitCode !== null) {
      throw new Error(`no ${what}\n--- stdout\n${run.stdout()}\n--- stderr\n${run.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('examples/node', () => {
  let emulator: Emulator;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await emulator.close();
  });

  it('for-await.ts prints tips and leaves the loop after COUNT, unsubscribing', async () => {
    const run = runExample('for-await.ts', {
      ASTRO_URL: emulator.url,
      ASTRO_TOKEN: emulator.issueToken({ channel: 'for-await-room', scopes: ['tips:read'] }),
      ASTRO_ROOM: 'for-await-room',
      COUNT: '2',
    });
    children.push(run.child);
    await until('subscription', () => emulator.subscriptionCount('channel.tips', 'for-await-room') === 1, run);

    emulator.publish('channel.tips', 'for-await-room', { donation: { amount: 5, currency: 'USD', user: { username: 'alice' }, message: 'hi' } });
    emulator.publish('channel.tips', 'for-await-room', { donation: { amount: 7.5, currency: 'EUR' } });
    emulator.publish('channel.tips', 'for-await-room', { donation: { amount: 99, currency: 'USD', message: 'after the break' } });

    expect(await run.exited).toBe(0);
    expect(run.stdout().trim().split('\n')).toEqual(['tip 5 USD from alice: hi', 'tip 7.5 EUR from someone', 'done after 2 tips']);
    expect(run.stderr()).toBe('');
    expect(emulator.subscriptionCount('channel.tips', 'for-await-room')).toBe(0);
  }, 30_000);

  it('backend.ts merges channels and writes one batch per channel and window; SIGTERM flushes and exits', async () => {
    const run = runExample('backend.ts', {
      ASTRO_URL: emulator.url,
      ASTRO_TOKEN: emulator.issueToken({ channel: '*', scopes: ['activities:read'] }),
      ASTRO_ROOMS: 'room-a,room-b',
      BATCH_MS: '300',
    });
    children.push(run.child);
    await until('subscriptions', () => emulator.subscriptionCount('channel.activities') === 2, run);

    const activity = (type: string, amount?: number) => ({ type, provider: 'twitch', data: { username: 'u', ...(amount !== undefined ? { amount } : {}) } });
    emulator.publish('channel.activities', 'room-a', activity('tip', 5));
    emulator.publish('channel.activities', 'room-a', activity('follow'));
    emulator.publish('channel.activities', 'room-b', activity('follow'));
    emulator.publish('channel.activities', 'room-a', activity('tip', 2.5));

    const batches = () =>
      run
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { room: string; events: number; byType: Record<string, number>; tipTotal: number });
    await until('two batches', () => batches().length >= 2, run);
    expect(batches().sort((a, b) => a.room.localeCompare(b.room))).toEqual([
      expect.objectContaining({ room: 'room-a', events: 3, byType: { tip: 2, follow: 1 }, tipTotal: 7.5 }),
      expect.objectContaining({ room: 'room-b', events: 1, byType: { follow: 1 }, tipTotal: 0 }),
    ]);

    // an event still in the window when the process is asked to stop is written before it exits
    expect(emulator.publish('channel.activities', 'room-b', activity('tip', 1)).delivered).toBe(1);
    await new Promise((r) => setTimeout(r, 200)); // on loopback it arrives in a few ms; the window is 300 ms
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(batches()).toHaveLength(3);
    expect(batches()[2]).toEqual(expect.objectContaining({ room: 'room-b', events: 1, tipTotal: 1 }));
    expect(run.stderr()).toContain('state: open');
    expect(run.stderr()).toContain('all batches written');
  }, 30_000);
});
