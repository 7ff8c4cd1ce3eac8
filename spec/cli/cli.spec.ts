/**
 * The `astro-rx` command end to end: child processes of lib/cli/main.ts (through tsx)
 * against the emulator, plus in-process runs of `main()` with fake streams.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { runTail } from '../../lib/cli/tail';
import { startEmulator, type Emulator } from '../../lib/testing';
import { JWT_LIKE, childEnv, killChildren, runTsx, within } from './childProcess';

const CLI = 'lib/cli/main.ts';

class FakeStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 120,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const run = async (argv: string[], env: Record<string, string> = {}) => {
  const stdout = new FakeStream();
  const stderr = new FakeStream();
  const code = await main(argv, { stdout, stderr, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
};

let emulator: Emulator | undefined;

afterEach(async () => {
  await killChildren();
  await emulator?.close();
  emulator = undefined;
});

describe('astro-rx (in process)', () => {
  it('--help and -h on the command and on each subcommand', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await run(argv);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(/Usage: astro-rx <command>/);
    }
    for (const [argv, usage] of [
      [['tail', '--help'], /Usage: astro-rx tail <topic…>/],
      [['tail', '-h'], /Usage: astro-rx tail <topic…>/],
      [['emulator', '--help'], /Usage: astro-rx emulator/],
      [['emulator', '-h'], /Usage: astro-rx emulator/],
      [['help', 'emulator'], /Usage: astro-rx emulator/],
    ] as const) {
      const r = await run([...argv]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(usage);
    }
  });

  it('an unknown or missing subcommand prints the usage on stderr and exits 64', async () => {
    for (const argv of [['tial'], []]) {
      const r = await run(argv);
      expect(r.code).toBe(64);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/Usage: astro-rx <command>/);
    }
    expect((await run(['tial'])).stderr).toMatch(/unknown command "tial"/);
  });

  it('refuses --token on the command line, explains why, and never repeats it', async () => {
    for (const argv of [
      ['tail', 'channel.activities', '--token', 'tok-on-argv-123'],
      ['tail', '--token=tok-on-argv-123', 'channel.activities'],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(64);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/refusing --token/);
      expect(r.stderr).toMatch(/ASTRO_TOKEN/);
      expect(r.stderr).toMatch(/--token-file/);
      expect(r.stderr).not.toContain('tok-on-argv-123');
    }
  });

  it('tail without a token says where to put one (64)', async () => {
    const r = await run(['tail', 'channel.activities', '--url', 'ws://127.0.0.1:9']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/no token: set ASTRO_TOKEN .* --token-file/);
  });

  it('tail refuses ws:// to a remote host (a token in clear text)', async () => {
    const r = await run(['tail', 'channel.activities', '--url', 'ws://example.com'], { ASTRO_TOKEN: 'remote-secret-123' });
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/unencrypted ws:\/\//);
    expect(r.stderr).not.toContain('remote-secret-123');
  });

  it('tail shows a progress bar on a TTY while 120 subscriptions go through the rate limit, with --token-file', async () => {
    emulator = await startEmulator({ rateLimit: { burst: 1000, intervalMs: 1 } });
    const token = emulator.issueToken({ channel: '*', scopes: ['*'] });
    const dir = mkdtempSync(path.join(tmpdir(), 'astro-rx-cli-'));
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const topics = ['channel.activities', 'channel.tips', 'channel.session.update', 'channel.overlay.action', 'channel.kvstore.update', 'channel.giveaways'];
    const rooms = Array.from({ length: 20 }, (_, i) => `room${i}`);
    const stdout = new FakeStream(false);
    const stderr = new FakeStream(true, 100);
    const controller = new AbortController();
    try {
      const done = runTail(
        { topics, rooms, tokenType: 'jwt', url: emulator.url, json: false, tokenFile, count: 1, seconds: 20 },
        { stdout, stderr, env: {} },
        controller.signal,
      );
      const e = emulator;
      await within(
        (async () => {
          while (e.subscriptionCount() < 120 || !stderr.text.includes('subscribed to 120')) await new Promise((r) => setTimeout(r, 50));
        })(),
        15_000,
        'the 120 subscriptions',
      );
      e.publish('channel.tips', 'room7', { donation: { amount: 4.2, currency: 'USD', user: { username: 'Styler' } } });
      expect(await within(done, 5000, 'tail')).toBe(0);
    } finally {
      controller.abort();
      rmSync(dir, { recursive: true, force: true });
    }
    // the bar: redrawn in place, past the command bucket's burst of 100, then replaced by the summary
    /* eslint-disable no-control-regex */
    expect(stderr.text).toMatch(/\r\u001b\[Ksubscribing \[[#-]{24}\] +\d+\/120/);
    const counts = [...stderr.text.matchAll(/\] +(\d+)\/120/g)].map((m) => Number(m[1]));
    expect(counts.some((n) => n > 100 && n < 120)).toBe(true);
    expect(stderr.text).toMatch(/\r\u001b\[Kastro-rx tail: subscribed to 120 topic streams \(6 topics x 20 rooms\) on ws:\/\/127\.0\.0\.1:\d+ in [\d.]+ m?s; waiting for events\n/);
    /* eslint-enable no-control-regex */
    // several rooms: the room is on the line
    expect(stdout.text).toMatch(/^\d\d:\d\d:\d\d {2}\[room7\] {2}tip {8}\s+\$4\.20 from Styler\n$/);
    expect(stdout.text + stderr.text).not.toContain(token);
  }, 30_000);
});

describe('astro-rx (child processes)', () => {
  it('emulator + tail --json: three events published over the HTTP API arrive as NDJSON, then tail exits 0', async () => {
    const emu = runTsx(CLI, ['emulator', '--port', '0', '--seconds', '15']);
    const [, wsUrl] = await emu.waitFor(/WebSocket\s+(ws:\/\/\S+)/, 15_000);
    const [, httpUrl] = await emu.waitFor(/HTTP API\s+(http:\/\/\S+)/, 1000);
    const [, token] = await emu.waitFor(/export ASTRO_TOKEN=(\S+)/, 1000);
    expect(emu.stdout()).toMatch(/Emulator test token for channel "demo"/);
    expect(emu.stdout()).toMatch(/curl -s -X POST http:\/\/\S+\/publish/);

    const tail = runTsx(CLI, ['tail', 'channel.activities', '--room', 'demo', '--url', wsUrl ?? '', '--json', '--count', '3'], childEnv({ ASTRO_TOKEN: token ?? '' }));
    await tail.waitFor(/subscribed to 1 topic stream/, 15_000, 'stderr');

    const published: { id: string; data: unknown }[] = [];
    for (let i = 1; i <= 3; i++) {
      const data = { type: 'tip', provider: 'twitch', data: { username: `fan${i}`, amount: i, currency: 'USD', message: `tip #${i}` } };
      const res = await fetch(`${httpUrl}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 'channel.activities', room: 'demo', data }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { id: string; delivered: number };
      expect(body.delivered).toBe(1);
      published.push({ id: body.id, data });
    }

    expect(await within(tail.exited, 10_000, 'tail --count 3')).toBe(0);
    const lines = tail.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const frames = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(frames).toEqual(
      published.map((p) => ({ id: p.id, ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), type: 'message', topic: 'channel.activities', room: 'demo', data: p.data })),
    );
    // the token the emulator printed (deliberately) appears nowhere in tail's output
    expect(tail.stdout() + tail.stderr()).not.toContain(token);
    expect(tail.stdout() + tail.stderr()).not.toMatch(JWT_LIKE);
    // the emulator's own output shows the token exactly once: the labelled line
    expect(emu.stdout().split(token ?? '')).toHaveLength(2);

    emu.proc.kill('SIGINT');
    expect(await within(emu.exited, 10_000, 'the emulator after SIGINT')).toBe(0);
    expect(emu.stdout()).toMatch(/emulator stopped: 1 connection\(s\), 1 subscribe\(s\), 3 message\(s\) delivered/);
  }, 45_000);

  it('tail with a token lacking the scope exits 2 and names the topic and the scope', async () => {
    emulator = await startEmulator();
    const token = emulator.issueToken({ channel: 'demo', scopes: ['session:read'] });
    const tail = runTsx(CLI, ['tail', 'channel.activities', '--room', 'demo', '--url', emulator.url, '--seconds', '15'], childEnv({ ASTRO_TOKEN: token }));
    expect(await within(tail.exited, 20_000, 'tail')).toBe(2);
    expect(tail.stdout()).toBe('');
    expect(tail.stderr()).toMatch(/not authorized to subscribe to channel\.activities in room "demo" \(err_unauthorized\)/);
    expect(tail.stderr()).toMatch(/channel\.activities needs the scope activities:read/);
    expect(tail.stdout() + tail.stderr()).not.toContain(token);
    expect(tail.stderr()).not.toMatch(JWT_LIKE);
  }, 30_000);

  it('the real process refuses --token with exit 64 and does not echo it', async () => {
    const tail = runTsx(CLI, ['tail', 'channel.activities', '--token', 'argv-secret-456'], childEnv());
    expect(await within(tail.exited, 15_000, 'tail --token')).toBe(64);
    expect(tail.stderr()).toMatch(/refusing --token/);
    expect(tail.stdout() + tail.stderr()).not.toContain('argv-secret-456');
  }, 20_000);
});
