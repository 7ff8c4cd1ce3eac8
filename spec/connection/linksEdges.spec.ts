import { AstroError } from '../../lib/errors/astroError';
import { linksWake, type LinksInput, type LinksOutput } from '../../lib/connection/links';
import { resolveBackoffConfig } from '../../lib/policies/backoffDelay';
import { links, welcome } from './linksHarness';

const reconnect = (n: number, token = 'tok'): LinksInput => ({ type: 'reconnect', n, token });
const gone = new AstroError('transport', 'gone', { closeCode: 1006 });
const down = (n: number, lastFrameAt?: number, error = gone): LinksInput => ({ type: 'down', n, error, lastFrameAt });
const refused = (retryAfterMs?: number) => new AstroError('upgrade_refused', 'refused', { status: 429, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
const tick: LinksInput = { type: 'tick' };
const wakeup: LinksInput = { type: 'wakeup' };
const types = (outs: LinksOutput[]) => outs.map((o) => (o.type === 'open' || o.type === 'close' ? `${o.type} ${o.n}` : o.type === 'handover' ? `handover ${o.phase}` : o.type === 'down' ? `down ${o.cause}` : o.type));
const sessionOf = (outs: LinksOutput[]) => outs.find((o) => o.type === 'session');

/** Session 0 welcomed at 1, a handover refused at 11, a fresh socket 2 opened as pending at 1011. */
function withFreshPending() {
  const l = links();
  l.at(0, { type: 'start' });
  l.at(1, welcome(0));
  l.at(10, reconnect(0));
  l.at(11, down(1, undefined, refused()));
  expect(types(l.at(1011, tick))).toEqual(['connecting', 'open 2']);
  expect(l.s.pending).toEqual({ n: 2, role: 'fresh' });
  return l;
}

/** As {@link withFreshPending}, then socket 2 welcomed at 1020: socket 0 drains. */
function withDraining() {
  const l = withFreshPending();
  expect(types(l.at(1020, welcome(2)))).toEqual(['session']);
  expect(l.s.draining.map((d) => d.n)).toEqual([0]);
  return l;
}

describe('links: draining sockets', () => {
  it('reports a loss from its last frame when a draining socket closes under a welcomed session', () => {
    const { at, s } = withDraining();
    expect(at(1030, down(0, 1025))).toEqual([{ type: 'loss', at: 1025 }]);
    expect(s.draining).toEqual([]);
    expect(s.active?.n).toBe(2);
  });

  it('reports the loss from now when the draining socket had no frame', () => {
    const { at } = withDraining();
    expect(at(1030, down(0))).toEqual([{ type: 'loss', at: 1030 }]);
  });

  it('takes a draining socket that closes while no session is up as the start of the next gap', () => {
    const { at, s } = withDraining();
    at(1040, down(2, 1039));
    // no active socket now: the draining one's close is recorded, nothing is reported
    expect(at(1041, down(0, 1035))).toEqual([]);
    expect(s.draining).toEqual([]);
    at(5000, tick);
    expect(sessionOf(at(5001, welcome(3)))).toMatchObject({ n: 3, gapFrom: 1039 });
  });

  it('starts the gap at the draining socket\'s last frame when it closes first, before a fresh socket is welcomed', () => {
    const { at } = withDraining();
    at(1040, down(2, 1039));
    at(5000, tick);
    expect(at(5001, down(0, 1035))).toEqual([]);
    expect(sessionOf(at(5002, welcome(3)))).toMatchObject({ n: 3, gapFrom: 1039 });
  });

  it('ignores the close of a socket it no longer knows', () => {
    const { at } = withDraining();
    at(1030, down(0));
    expect(at(1031, down(0))).toEqual([]);
    expect(at(1031, down(99))).toEqual([]);
  });

  it('treats the close of the session socket as a drop even while another socket drains', () => {
    const { at, s } = withDraining();
    expect(types(at(1050, down(2, 1049)))).toEqual(['down error', 'reconnecting']);
    expect(s.draining.map((d) => d.n)).toEqual([0]);
  });
});

describe('links: a fresh socket pending after a refused handover', () => {
  it('makes the pending fresh socket the session socket when the old one closes first', () => {
    const { at, s } = withFreshPending();
    expect(types(at(1012, down(0, 1005)))).toEqual(['down error']);
    expect(s.active).toEqual({ n: 2, role: 'fresh' });
    expect(s.pending).toBeUndefined();
    expect(sessionOf(at(1013, welcome(2)))).toEqual({ type: 'session', n: 2, restored: false, clientId: 'c2', gapFrom: 1005 });
    expect(s.draining).toEqual([]);
  });

  it('reconnects with backoff when that socket then fails before its welcome', () => {
    const { at } = withFreshPending();
    at(1012, down(0, 1005));
    expect(at(1013, down(2))).toEqual([
      { type: 'down', cause: 'error', error: gone, lastFrameAt: 1013 },
      { type: 'reconnecting', attempt: 2, retryInMs: 2000 },
    ]);
  });

  it('reports a failed fresh pending socket as a failed handover only when no session socket remains', () => {
    const { at } = withFreshPending();
    expect(types(at(1012, down(2)))).toEqual(['reconnecting']);
  });
});

describe('links: the old socket closing during a token handover', () => {
  it('keeps the token socket pending, and a failure of it is a failed handover', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(10, reconnect(0));
    expect(at(11, down(0, 9))).toEqual([]);
    expect(s.pending).toEqual({ n: 1, role: 'token' });
    expect(s.active).toBeUndefined();
    const failed = at(12, down(1, undefined, refused(3000)));
    expect(types(failed)).toEqual(['handover failed', 'down handover_failed', 'reconnecting']);
    expect(failed).toContainEqual({ type: 'reconnecting', attempt: 1, retryInMs: 3000 });
    expect(linksWake(s)).toBe(3012);
    at(3012, tick);
    expect(sessionOf(at(3013, welcome(2)))).toEqual({ type: 'session', n: 2, restored: false, clientId: 'c2', gapFrom: 9 });
  });

  it('reports the drop when the old socket closes while only a retry is planned', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(10, reconnect(0));
    at(11, down(1, undefined, refused(2000)));
    expect(at(12, down(0, 8))).toEqual([{ type: 'down', cause: 'error', error: gone, lastFrameAt: 8 }]);
    expect(s.active).toBeUndefined();
    expect(linksWake(s)).toBe(2011);
    expect(types(at(2011, tick))).toEqual(['connecting', 'open 2']);
    expect(s.active?.n).toBe(2);
    expect(sessionOf(at(2012, welcome(2)))).toMatchObject({ gapFrom: 8 });
  });
});

describe('links: reconnect frames', () => {
  it('hands over without restoring when the socket was never welcomed', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    expect(types(at(1, reconnect(0)))).toEqual(['crossing', 'handover started', 'open 1']);
    expect(s.restoring).toBe(false);
    expect(s.handingOver).toBe(true);
    const outs = at(2, welcome(1));
    expect(types(outs)).toEqual(['close 0', 'handover completed', 'session']);
    expect(sessionOf(outs)).toStrictEqual({ type: 'session', n: 1, restored: false, clientId: 'c1' });
    expect(s.draining).toEqual([]);
    expect(sessionOf(at(3, welcome(1)))).toBeUndefined();
    expect(s.handingOver).toBe(false);
  });

  it('restores at the token socket\'s welcome and forgets the handover afterwards', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(5, reconnect(0, 'T1'));
    expect(s.restoring).toBe(true);
    expect(sessionOf(at(6, welcome(1)))).toMatchObject({ restored: true });
    expect([s.restoring, s.handingOver]).toEqual([false, false]);
    at(7, down(1));
    at(2000, tick);
    expect(sessionOf(at(2001, welcome(2)))).toMatchObject({ restored: false, gapFrom: 7 });
  });

  it.each([
    ['from another socket', (l: ReturnType<typeof links>) => l.at(3, reconnect(7))],
    ['while a handover is pending', (l: ReturnType<typeof links>) => (l.at(3, reconnect(0)), l.at(4, reconnect(0)))],
    ['while a retry is planned', (l: ReturnType<typeof links>) => (l.at(3, reconnect(0)), l.at(4, down(1, undefined, refused())), l.at(5, reconnect(0)))],
  ])('ignores a reconnect frame %s', (_what, run) => {
    const l = links();
    l.at(0, { type: 'start' });
    l.at(1, welcome(0));
    const opened = l.s.nextN;
    const outs = run(l);
    expect(outs).toEqual([]);
    expect(l.s.nextN - opened).toBeLessThanOrEqual(1);
  });

  it('gives no gap at the first session even when the old socket of a handover closed first', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, reconnect(0));
    expect(at(2, down(0, 1))).toEqual([]);
    expect(at(3, welcome(1))).toStrictEqual([
      { type: 'handover', phase: 'completed' },
      { type: 'session', n: 1, restored: false, clientId: 'c1' },
    ]);
    expect(s.active?.n).toBe(1);
    expect(s.draining).toEqual([]);
  });

  it('ignores a reconnect frame before any socket', () => {
    const { at, s } = links();
    expect(at(0, reconnect(0))).toEqual([]);
    expect(s.handingOver).toBe(false);
  });

  it('opens the token socket with the token in its url, and only a fresh one announces connecting', () => {
    const { at } = links();
    expect(at(0, { type: 'start' })).toStrictEqual([
      { type: 'connecting', attempt: 0 },
      { type: 'open', n: 0 },
    ]);
    at(1, welcome(0));
    expect(at(2, reconnect(0, 'T'))).toEqual([{ type: 'crossing' }, { type: 'handover', phase: 'started' }, { type: 'open', n: 1, token: 'T' }]);
  });
});

describe('links: welcomes', () => {
  it('neither closes nor drains the socket that gets the welcome', () => {
    const { at, s } = links();
    expect(types(at(0, { type: 'start' }))).toEqual(['connecting', 'open 0']);
    expect(at(1, welcome(0))).toStrictEqual([{ type: 'session', n: 0, restored: false, clientId: 'c0' }]);
    expect(s.draining).toEqual([]);
    expect(s.active).toEqual({ n: 0, role: 'fresh', welcomedAt: 1 });
  });

  it('closes the old socket, without draining it, at the token socket\'s welcome', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(2, reconnect(0));
    expect(at(3, welcome(1))).toStrictEqual([
      { type: 'close', n: 0 },
      { type: 'handover', phase: 'completed' },
      { type: 'session', n: 1, restored: true, clientId: 'c1' },
    ]);
    expect(s.draining).toEqual([]);
    expect([s.active?.n, s.pending]).toEqual([1, undefined]);
  });

  it('ignores a welcome on an unknown socket', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    expect(at(1, welcome(5))).toEqual([]);
    expect(s.hadSession).toBe(false);
  });

  it('gives no gap at the first session, even after failed attempts', () => {
    const { at } = links();
    at(0, { type: 'start' });
    at(1, down(0, 1));
    at(1001, tick);
    expect(at(1002, welcome(1))).toStrictEqual([{ type: 'session', n: 1, restored: false, clientId: 'c1' }]);
  });

  it('does not carry a gap over to a later session', () => {
    const { at } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(5, down(0, 4));
    at(1005, tick);
    expect(sessionOf(at(1006, welcome(1)))).toMatchObject({ gapFrom: 4 });
    at(1010, reconnect(1));
    expect(sessionOf(at(1011, welcome(2)))).toStrictEqual({ type: 'session', n: 2, restored: true, clientId: 'c2' });
  });
});

describe('links: drops and backoff', () => {
  it('marks the gap from now when the session socket closes without a frame', () => {
    const { at } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    expect(at(50, down(0))).toContainEqual({ type: 'down', cause: 'error', error: gone, lastFrameAt: 50 });
    at(1050, tick);
    expect(sessionOf(at(1051, welcome(1)))).toMatchObject({ gapFrom: 50 });
  });

  it('keeps the first gap start across several failed attempts', () => {
    const { at } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(10, down(0, 9));
    at(1010, tick);
    at(1011, down(1, 1011));
    at(3011, tick);
    expect(sessionOf(at(3012, welcome(2)))).toMatchObject({ gapFrom: 9 });
  });

  it('ignores a second close of a socket while waiting to reconnect', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(2, down(0));
    expect(at(3, down(0))).toEqual([]);
    expect(linksWake(s)).toBe(1002);
  });

  it('ignores the close of a socket that is neither active nor pending', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    expect(at(2, down(3))).toEqual([]);
    expect(s.active?.n).toBe(0);
  });

  it.each([
    ['4999 ms', 4999, 2, 2000],
    ['exactly minUptimeMs', 5000, 1, 1000],
    ['5001 ms', 5001, 1, 1000],
  ])('after a session of %s, counts the attempt from %#', (_what, uptime, attempt, retryInMs) => {
    const { at } = links();
    at(0, { type: 'start' });
    at(10, down(0));
    at(1010, tick);
    at(1020, welcome(1));
    expect(at(1020 + uptime, down(1))).toContainEqual({ type: 'reconnecting', attempt, retryInMs });
  });

  it('does not reset the attempt counter for a socket that never got a welcome', () => {
    const { at } = links({ minUptimeMs: 0 });
    at(0, { type: 'start' });
    at(10, down(0));
    at(1010, tick);
    expect(at(9000, down(1))).toContainEqual({ type: 'reconnecting', attempt: 2, retryInMs: 2000 });
  });

  it.each([
    ['the Retry-After of a refused upgrade over the backoff', refused(5000), 0, 5000],
    ['the backoff over a shorter Retry-After', refused(10), 0, 1000],
    ['the blind floor when no status was seen', gone, 2500, 2500],
    ['no blind floor when a status was seen', refused(), 2500, 1000],
    ['the Retry-After over the blind floor', new AstroError('transport', 'x', { retryAfterMs: 4000 }), 2500, 4000],
  ])('waits %s', (_what, error, blindFloorMs, retryInMs) => {
    const { at } = links({ blindFloorMs });
    at(0, { type: 'start' });
    expect(at(1, down(0, undefined, error))).toContainEqual({ type: 'reconnecting', attempt: 1, retryInMs });
  });

  it('caps the backoff exponent at 30 failures and the delay at maxDelayMs', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    s.attempt = 40;
    expect(at(1, down(0))).toContainEqual({ type: 'reconnecting', attempt: 41, retryInMs: 30_000 });
  });

  it('caps the exponent at 30 even with an unbounded delay', () => {
    const { at, s } = links({ backoff: resolveBackoffConfig({ jitter: false, initialDelayMs: 1, maxDelayMs: Number.MAX_SAFE_INTEGER, factor: 2 }) });
    at(0, { type: 'start' });
    s.attempt = 35;
    expect(at(1, down(0))).toContainEqual({ type: 'reconnecting', attempt: 36, retryInMs: 2 ** 30 });
  });

  it('opens the next socket at the planned time and not before', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(10, down(0));
    expect(linksWake(s)).toBe(1010);
    expect(at(1009, tick)).toEqual([]);
    expect(at(1010, tick)).toStrictEqual([
      { type: 'connecting', attempt: 1 },
      { type: 'open', n: 1 },
    ]);
    expect(linksWake(s)).toBeUndefined();
    expect(at(5000, tick)).toEqual([]);
  });
});

describe('links: wake-ups', () => {
  it('starts over at once when the network comes back under a welcomed session', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    const outs = at(100, wakeup);
    expect(types(outs)).toEqual(['close 0', 'down wakeup', 'reconnecting']);
    expect(outs).toContainEqual({ type: 'reconnecting', attempt: 0, retryInMs: 0 });
    expect(outs.find((o) => o.type === 'down')).toMatchObject({ error: { code: 'transport', message: 'reconnecting after the network came back' } });
    expect(linksWake(s)).toBe(100);
    expect(types(at(100, tick))).toEqual(['connecting', 'open 1']);
    expect(sessionOf(at(101, welcome(1)))).toMatchObject({ gapFrom: 100 });
  });

  it.each([
    ['before any socket', (l: ReturnType<typeof links>) => l],
    ['before the welcome', (l: ReturnType<typeof links>) => (l.at(0, { type: 'start' }), l)],
    ['during a handover', (l: ReturnType<typeof links>) => (l.at(0, { type: 'start' }), l.at(1, welcome(0)), l.at(2, reconnect(0)), l)],
  ])('does nothing on a wake-up %s', (_what, prepare) => {
    const l = prepare(links());
    expect(l.at(50, wakeup)).toEqual([]);
    expect(linksWake(l.s)).toBeUndefined();
  });

  it('moves a planned retry to now and keeps the session socket after a refused handover', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(2, reconnect(0));
    at(3, down(1, undefined, refused(9000)));
    expect(at(20, wakeup)).toEqual([]);
    expect(linksWake(s)).toBe(20);
    expect(s.active?.n).toBe(0);
  });

  it('moves a planned retry to now', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(10, down(0));
    expect(at(20, wakeup)).toEqual([]);
    expect(linksWake(s)).toBe(20);
  });
});
