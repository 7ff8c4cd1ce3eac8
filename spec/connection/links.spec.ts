import { AstroError } from '../../lib/errors/astroError';
import { type LinksInput, type LinksOutput } from '../../lib/connection/links';
import { links, welcome } from './linksHarness';

const down = (n: number, error = new AstroError('transport', 'gone', { closeCode: 1006 }), lastFrameAt?: number): LinksInput => ({ type: 'down', n, error, lastFrameAt });
const types = (outs: LinksOutput[]) => outs.map((o) => (o.type === 'open' || o.type === 'close' ? `${o.type} ${o.n}` : o.type === 'handover' ? `handover ${o.phase}` : o.type));

describe('links', () => {
  it('opens a fresh socket and starts a fresh session at its welcome', () => {
    const { at } = links();
    expect(types(at(0, { type: 'start' }))).toEqual(['connecting', 'open 0']);
    expect(at(5, welcome(0))).toEqual([{ type: 'session', n: 0, restored: false, clientId: 'c0' }]);
  });

  it('follows a reconnect frame make-before-break and restores the session at the new welcome', () => {
    const { at } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    const started = at(10, { type: 'reconnect', n: 0, token: 'tok' });
    expect(types(started)).toEqual(['crossing', 'handover started', 'open 1']);
    expect(started).toContainEqual({ type: 'open', n: 1, token: 'tok' });
    expect(types(at(12, welcome(1)))).toEqual(['close 0', 'handover completed', 'session']);
  });

  it('keeps the old socket when the handover is refused and opens a fresh one after Retry-After', () => {
    const { at, s } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(10, { type: 'reconnect', n: 0, token: 'tok' });
    const refused = at(11, down(1, new AstroError('upgrade_refused', '429', { status: 429, retryAfterMs: 2000 })));
    expect(types(refused)).toEqual(['handover failed', 'reconnecting']);
    expect(refused).toContainEqual({ type: 'reconnecting', attempt: 1, retryInMs: 2000 });
    expect(types(at(2010, { type: 'tick' }))).toEqual([]);
    expect(types(at(2011, { type: 'tick' }))).toEqual(['connecting', 'open 2']);
    expect(at(2013, welcome(2))).toContainEqual({ type: 'session', n: 2, restored: false, clientId: 'c2' });
    expect(s.draining.map((l) => l.n)).toEqual([0]);
  });

  it('reports the loss from the old socket\'s last frame when it closes before the new welcome', () => {
    const { at } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    at(10, { type: 'reconnect', n: 0, token: 'tok' });
    expect(at(11, down(0, new AstroError('transport', 'bye', { closeCode: 1001 }), 9))).toEqual([]);
    expect(at(50, welcome(1))).toContainEqual({ type: 'session', n: 1, restored: true, clientId: 'c1', gapFrom: 9 });
  });

  it('reconnects with backoff after a drop, the attempt counter reset by a long enough session', () => {
    const { at } = links();
    at(0, { type: 'start' });
    at(1, welcome(0));
    expect(at(100, down(0, undefined, 90))).toContainEqual({ type: 'reconnecting', attempt: 1, retryInMs: 1000 });
    at(1100, { type: 'tick' });
    expect(at(1200, down(1))).toContainEqual({ type: 'reconnecting', attempt: 2, retryInMs: 2000 });
    at(3200, { type: 'tick' });
    at(3201, welcome(2));
    expect(at(9000, down(2))).toContainEqual({ type: 'reconnecting', attempt: 1, retryInMs: 1000 });
  });

  it('waits at least the blind floor after a failure whose cause the transport cannot see', () => {
    const { at } = links({ blindFloorMs: 2000 });
    at(0, { type: 'start' });
    expect(at(5, down(0))).toContainEqual({ type: 'reconnecting', attempt: 1, retryInMs: 2000 });
  });

  it('opens at once on a wakeup while waiting to reconnect', () => {
    const { at } = links();
    at(0, { type: 'start' });
    at(5, down(0));
    at(6, { type: 'wakeup' });
    expect(types(at(6, { type: 'tick' }))).toEqual(['connecting', 'open 1']);
  });
});
