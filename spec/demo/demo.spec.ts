/**
 * The demo (`npm start`) end to end: a child process on the embedded emulator,
 * with a drain after 4 s and an end after 14 s.
 */
import { JWT_LIKE, childEnv, killChildren, runTsx, within } from '../cli/childProcess';

afterEach(killChildren);

describe('the demo (lib/cli/demo/main.ts)', () => {
  it('prints live events, follows the gateway drain without losing an event, and exits 0', async () => {
    const demo = runTsx('lib/cli/demo/main.ts', ['--seconds', '14', '--drain-after', '4'], childEnv());
    const code = await within(demo.exited, 35_000, 'the demo');
    const out = demo.stdout();
    const context = `stdout:\n${out}\nstderr:\n${demo.stderr()}`;

    expect({ code, context }).toEqual({ code: 0, context });
    expect(demo.stderr()).toBe('');
    // the connection and both subscriptions
    expect(out).toMatch(/state\s+open \(connection \w+\)/);
    expect(out).toMatch(/subscribed\s+channel\.activities in room "demo"/);
    expect(out).toMatch(/subscribed\s+channel\.session\.update in room "demo"/);
    // live events: activity lines (time, kind, provider, sentence, sequence number) and session lines
    const activities = out.split('\n').filter((l) => /^\d\d:\d\d:\d\d {2}\S.*\b(twitch|youtube|kick)\b .* #\d+$/.test(l));
    const sessions = out.split('\n').filter((l) => /^\d\d:\d\d:\d\d {2}session\s+latest_\w+ = .* #\d+$/.test(l));
    expect(activities.length).toBeGreaterThanOrEqual(5);
    expect(sessions.length).toBeGreaterThanOrEqual(5);
    // the drain, the handover, and the check after it
    expect(out).toMatch(/gateway\s+draining/);
    expect(out).toMatch(/handover\s+the client moved to connection \w+ \(from \w+\)/);
    expect(out).toMatch(/check\s+handover complete in [\d.]+ s, the old connection is closed; no event lost: (\d+) published, \1 received/);
    // the final summary: everything published arrived exactly once, in sequence
    const summary = /summary\s+no event lost: (\d+) published, (\d+) received \(#1-#(\d+)\) in sequence, no duplicates; 1 handover followed/.exec(out);
    expect(summary).not.toBeNull();
    const [, published, received, last] = summary ?? [];
    expect(received).toBe(published);
    expect(last).toBe(published);
    // every sequence number was printed once
    const seqs = out
      .split('\n')
      .map((l) => / #(\d+)$/.exec(l)?.[1])
      .filter((s): s is string => s !== undefined)
      .map(Number);
    expect(seqs).toEqual(Array.from({ length: Number(published) }, (_, i) => i + 1));
    // plain text: no colour when stdout is not a TTY, and never a token
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/\u001b\[/);
    expect(out).not.toMatch(JWT_LIKE);
    expect(out).toMatch(/\(not shown\)/);
  }, 45_000);

  it('--help prints the usage; a bad flag is a usage error (64)', async () => {
    const help = runTsx('lib/cli/demo/main.ts', ['--help']);
    expect(await within(help.exited, 15_000, 'demo --help')).toBe(0);
    expect(help.stdout()).toMatch(/--drain-after S/);
    const bad = runTsx('lib/cli/demo/main.ts', ['--seconds', 'soon']);
    expect(await within(bad.exited, 15_000, 'demo --seconds soon')).toBe(64);
    expect(bad.stderr()).toMatch(/--seconds must be a positive number/);
  }, 30_000);
});
