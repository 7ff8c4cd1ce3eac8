import { EMPTY, Observable } from 'rxjs';
import { AstroError } from '../../lib/errors/astroError';
import { resolveConnectionConfig } from '../../lib/connection/config';
import { Dedupe } from '../../lib/connection/dedupe';
import { LinkEvent, openLink } from '../../lib/connection/link';
import { IdWindow } from '../../lib/connection/idWindow';
import { createMachine, stepMachine } from '../../lib/connection/machine';
import type { OpenSocket, SocketEvent } from '../../lib/transport/types';
import { createTestScheduler } from '../helpers/testScheduler';
import { links, welcome } from './linksHarness';

const seenAll = (d: Dedupe, ids: string[]) => ids.map((id) => d.seen(id));

describe('Dedupe: the budget after each switch', () => {
  it('refills a partly spent budget at the next switch', () => {
    const d = new Dedupe(2);
    d.arm();
    d.settle(false);
    expect(seenAll(d, ['a'])).toEqual([false]);
    // one check left; a second welcome (another socket switched) gives `window` checks again
    d.settle(false);
    expect(seenAll(d, ['a', 'a', 'a'])).toEqual([true, true, false]);
  });
});

describe('IdWindow: bounds', () => {
  it.each([0, -1, Number.NaN])('refuses a capacity of %p, saying what it got', (capacity) => {
    expect(() => new IdWindow(capacity)).toThrow(new TypeError(`dedupeWindow must be >= 1, got ${capacity}`));
  });

  it('counts an id added twice once, and forgets in the order ids first came', () => {
    const w = new IdWindow(2);
    ['a', 'a', 'b'].forEach((id) => w.add(id));
    expect([w.size, w.has('a'), w.has('b')]).toEqual([2, true, true]);
    ['c', 'd'].forEach((id) => w.add(id));
    expect(w.size).toBe(2);
    expect(['a', 'b', 'c', 'd'].map((id) => w.has(id))).toEqual([false, false, true, true]);
  });

  it('wraps its ring again after a clear', () => {
    const w = new IdWindow(2);
    ['a', 'b', 'c'].forEach((id) => w.add(id));
    w.clear();
    ['x', 'y', 'z'].forEach((id) => w.add(id));
    expect(w.size).toBe(2);
    expect(['a', 'b', 'c', 'x', 'y', 'z'].map((id) => w.has(id))).toEqual([false, false, false, false, true, true]);
  });
});

describe('links: stale inputs', () => {
  it('ignores a welcome from a socket it no longer holds while a fresh one is pending', () => {
    const l = links();
    l.at(0, { type: 'start' });
    l.at(1, welcome(0));
    l.at(10, { type: 'reconnect', n: 0, token: 'tok' });
    l.at(11, { type: 'down', n: 1, error: new AstroError('upgrade_refused', 'refused', { status: 429 }), lastFrameAt: undefined });
    l.at(1011, { type: 'tick' });
    expect(l.s.pending).toEqual({ n: 2, role: 'fresh' });
    // the refused socket 1 is gone: a welcome still queued for it changes nothing
    expect(l.at(1012, welcome(1))).toEqual([]);
    expect(l.s.pending).toEqual({ n: 2, role: 'fresh' });
    expect(l.s.active?.n).toBe(0);
  });
});

describe('stepMachine: its effects exactly', () => {
  const openSocket: OpenSocket = () => EMPTY as never;
  const config = resolveConnectionConfig({ url: 'ws://gateway.test', intents: EMPTY, tokenOf: () => undefined, openSocket, nonce: () => 'n1' });

  it('starts by announcing the attempt and opening socket 0, nothing else', () => {
    const s = createMachine(config, 0);
    expect(stepMachine(s, { type: 'start' }, 0, config).outputs).toStrictEqual([
      { type: 'event', event: { type: 'connecting', attempt: 0 } },
      { type: 'open', n: 0 },
    ]);
  });
});

describe('openLink: a transport that never reports open', () => {
  it('does not assume it sees pings: no heartbeat deadline after its welcome', () => {
    const scheduler = createTestScheduler();
    const events: Array<LinkEvent['type']> = [];
    scheduler.run(() => {
      const welcomeFrame = JSON.stringify({ id: 'W0', type: 'welcome', data: { client_id: 'c0' } });
      const openSocket: OpenSocket = () => new Observable<SocketEvent>((sub) => void scheduler.schedule(() => sub.next({ type: 'frame', data: welcomeFrame }), 1));
      const s = openLink(0, 'ws://gateway.test', { openSocket, scheduler, decode: {}, welcomeTimeoutMs: 100, heartbeatTimeoutMs: 50, onMessage: () => undefined }).subscribe((e) => events.push(e.type));
      scheduler.schedule(() => s.unsubscribe(), 1000);
      scheduler.flush();
    });
    expect(events).toEqual(['frame']);
  });
});
