import { EMPTY, Observable } from 'rxjs';
import { AstroError } from '../../lib/errors/astroError';
import { resolveConnectionConfig } from '../../lib/connection/config';
import { Dedupe } from '../../lib/connection/dedupe';
import { LinkEvent, openLink } from '../../lib/connection/link';
import { IdWindow } from '../../lib/connection/idWindow';
import { ConnectionInput, Effect, createMachine, machineWake, settled, stepMachine } from '../../lib/connection/machine';
import { createOutbox } from '../../lib/connection/outbox/state';
import { SlotMap } from '../../lib/connection/subscriptionKey';
import { decodeFrame } from '../../lib/protocol/decode';
import type { ConnectionEvent } from '../../lib/connection/events';
import type { OpenSocket, SocketEvent } from '../../lib/transport/types';
import { createTestScheduler } from '../helpers/testScheduler';
import { links, welcome } from './linksHarness';

const seenAll = (d: Dedupe, ids: string[]) => ids.map((id) => d.seen(id, 'channel.tips', 'r1'));

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

/** The connection machine on its own: `at(t, input)` steps it; frames are decoded from raw JSON, as the link does. */
function machine(subscribeRetries = 0) {
  let seq = 0;
  const openSocket: OpenSocket = () => EMPTY as never;
  const config = resolveConnectionConfig({ url: 'ws://gateway.test', intents: EMPTY, tokenOf: () => undefined, openSocket, nonce: () => `n${++seq}`, subscribeRetries, backoff: { jitter: false } });
  const s = createMachine(config, 0);
  const at = (now: number, input: ConnectionInput): Effect[] => stepMachine(s, input, now, config).outputs;
  const frame = (n: number, raw: object): ConnectionInput => {
    const decoded = decodeFrame(JSON.stringify(raw));
    if (decoded._tag === 'Left') throw new Error(`not a frame: ${JSON.stringify(raw)}`);
    if (decoded.right.type === 'message') throw new Error('messages do not reach the machine');
    return { type: 'frame', n, frame: decoded.right };
  };
  const events = (effects: Effect[]): ConnectionEvent[] => effects.flatMap((e) => (e.type === 'event' && e.event.type !== 'frame' ? [e.event] : []));
  /** Socket 0 welcomed at 1, and channel.tips in r1 wanted at 2 (its subscribe n1 leaves at once). */
  const welcomedWithSubscribe = () => {
    at(0, { type: 'start' });
    at(1, frame(0, { type: 'welcome', data: { client_id: 'c0' } }));
    expect(at(2, { type: 'want', ref: 1, topic: 'channel.tips', room: 'r1', tokenRef: 1 })).toContainEqual({ type: 'send', n: 0, command: expect.objectContaining({ nonce: 'n1', kind: 'subscribe' }) });
  };
  return { at, frame, events, welcomedWithSubscribe };
}

describe('stepMachine: answers as the gateway words them', () => {
  it.each<[string, object, object]>([
    ['a success without data', { type: 'response', nonce: 'n1' }, { type: 'subscribed', refs: [1], topic: 'channel.tips', room: 'r1' }],
    ['a success naming the canonical room', { type: 'response', nonce: 'n1', data: { message: 'ok', room: 'canon' } }, { type: 'subscribed', refs: [1], topic: 'channel.tips', room: 'canon' }],
    ['a failure whose data is its message', { type: 'response', nonce: 'n1', error: 'err_unauthorized', data: 'no such room' }, { type: 'failed', refs: [1], error: expect.objectContaining({ message: expect.stringMatching(/failed with err_unauthorized: no such room$/) }) }],
    ['a failure with a message in its data', { type: 'response', nonce: 'n1', error: 'err_unauthorized', data: { message: 'bad token' } }, { type: 'failed', refs: [1], error: expect.objectContaining({ message: expect.stringMatching(/failed with err_unauthorized: bad token$/) }) }],
    ['a failure without data', { type: 'response', nonce: 'n1', error: 'err_unauthorized' }, { type: 'failed', refs: [1], error: expect.objectContaining({ message: expect.stringMatching(/failed with err_unauthorized$/) }) }],
  ])('reads %s', (_what, raw, result) => {
    const m = machine();
    m.welcomedWithSubscribe();
    expect(m.events(m.at(3, m.frame(0, raw))).filter((e) => e.type === 'subscribed' || e.type === 'failed')).toEqual([result]);
  });
});

describe('stepMachine: events in their exact shape', () => {
  it('announces a first welcome without a gap, and arms de-duplication at a reconnect frame', () => {
    const m = machine();
    m.at(0, { type: 'start' });
    expect(m.events(m.at(1, m.frame(0, { type: 'welcome', data: { client_id: 'c0' } })))).toStrictEqual([{ type: 'welcome', clientId: 'c0', restored: false }]);
    expect(m.at(5, m.frame(0, { type: 'reconnect', data: { reconnect_token: 'tok' } })).filter((e) => e.type !== 'event')).toStrictEqual([{ type: 'dedupe' }, { type: 'open', n: 1, token: 'tok' }]);
  });

  it('reports a drop with the time of its last frame, and a wakeup without one', () => {
    const gone = new AstroError('transport', 'gone', { closeCode: 1006 });
    const m = machine();
    m.at(0, { type: 'start' });
    m.at(1, m.frame(0, { type: 'welcome', data: { client_id: 'c0' } }));
    expect(m.events(m.at(10_000, { type: 'down', n: 0, error: gone, lastFrameAt: 7 })).filter((e) => e.type === 'disconnected')).toStrictEqual([{ type: 'disconnected', cause: 'error', error: gone, lastFrameAt: 7 }]);
    m.at(11_000, { type: 'tick' });
    m.at(11_001, m.frame(1, { type: 'welcome', data: { client_id: 'c1' } }));
    const woken = m.events(m.at(12_000, { type: 'wakeup' })).filter((e) => e.type === 'disconnected');
    expect(woken).toHaveLength(1);
    expect(woken[0]).not.toHaveProperty('lastFrameAt');
  });

  it('sends nothing between a drop and the next session: what is wanted then waits in line', () => {
    const gone = new AstroError('transport', 'gone', { closeCode: 1006 });
    const m = machine();
    m.at(0, { type: 'start' });
    m.at(1, m.frame(0, { type: 'welcome', data: { client_id: 'c0' } }));
    m.at(10, { type: 'down', n: 0, error: gone, lastFrameAt: 9 });
    expect(m.at(20, { type: 'want', ref: 1, topic: 'channel.tips', room: 'r1', tokenRef: 1 })).toStrictEqual([{ type: 'event', event: { type: 'queue', depth: 1 } }]);
  });
});

describe('stepMachine: what stays inside', () => {
  it('keeps an answer it cannot match to itself: only the frame is reported', () => {
    const m = machine();
    m.welcomedWithSubscribe();
    const effects = m.at(3, m.frame(0, { type: 'response', nonce: 'stale', data: { message: 'ok' } }));
    expect(effects.map((e) => (e.type === 'event' ? e.event.type : e.type))).toEqual(['frame']);
  });
});

describe('settled', () => {
  const config = resolveConnectionConfig({ url: 'ws://gateway.test', intents: EMPTY, tokenOf: () => undefined, openSocket: () => EMPTY as never });
  it.each<[string, boolean, number, number, number, number, boolean]>([
    ['a session with nothing to do', true, 0, 0, 0, 0, true],
    ['no session (a crossing or a drop), even with nothing to do', false, 0, 0, 0, 0, false],
    ['a user command and a re-subscribe waiting', true, 1, 1, 0, 0, false],
    ['a re-subscribe waiting and a slot in backoff', true, 0, 1, 1, 0, false],
    ['a slot in backoff and a command in flight', true, 0, 0, 1, 1, false],
    ['one command in flight', true, 0, 0, 0, 1, false],
  ])('%s', (_what, ready, normal, bulk, retrying, inflight, expected) => {
    const o = createOutbox(config.outbox, 0);
    o.ready = ready;
    for (let i = 0; i < normal; i++) o.normal.push({ n: `normal${i}` } as never);
    for (let i = 0; i < bulk; i++) o.bulk.push({ n: `bulk${i}` } as never);
    for (let i = 0; i < retrying; i++) o.retrying.add({ n: `retrying${i}` } as never);
    for (let i = 0; i < inflight; i++) o.byNonce.set(`n${i}`, {} as never);
    expect(settled(o)).toBe(expected);
  });
});

describe('machineWake', () => {
  it('is the earliest of the outbox deadline and the reconnect time', () => {
    let seq = 0;
    const config = resolveConnectionConfig({ url: 'ws://gateway.test', intents: EMPTY, tokenOf: () => undefined, openSocket: () => EMPTY as never, nonce: () => `n${++seq}` });
    const s = createMachine(config, 0);
    stepMachine(s, { type: 'start' }, 0, config);
    stepMachine(s, { type: 'frame', n: 0, frame: { type: 'welcome', data: { client_id: 'c0' } } }, 1, config);
    stepMachine(s, { type: 'want', ref: 1, topic: 'channel.tips', room: 'r1', tokenRef: 1 }, 2, config);
    expect(machineWake(s, 2, config)).toBe(10_002);
    s.links.retryAt = 500;
    expect(machineWake(s, 2, config)).toBe(500);
    s.links.retryAt = 20_000;
    expect(machineWake(s, 2, config)).toBe(10_002);
  });
});

describe('SlotMap: memory', () => {
  it('drops the map of a topic with its last room: the topic reads as one never held', () => {
    const m = new SlotMap<number>();
    const never = m.ofTopic('never');
    m.set('t', 'a', 1);
    m.set('t', 'b', 2);
    m.delete('t', 'a');
    expect(m.ofTopic('t')).not.toBe(never);
    m.delete('t', 'b');
    // the shared empty map of topics it does not hold, not a leftover map of its own
    expect(m.ofTopic('t')).toBe(never);
  });
});
