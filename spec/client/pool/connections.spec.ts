import { NEVER, Observable, Subject, concat, of, type Subscription } from 'rxjs';
import type { ConnectionEvent, Intent } from '../../../lib/connection/events';
import { PoolConnections, type PoolSlot } from '../../../lib/client/pool/connections';

// The K connections of a pool, with each connection a Subject the spec drives.

const welcome: ConnectionEvent = { type: 'welcome', clientId: 'c', restored: false };

function setup(size: number, open?: (slot: PoolSlot) => Observable<ConnectionEvent>) {
  const opened: number[] = [];
  const sockets = new Map<number, Subject<ConnectionEvent>>();
  const events: [number, string][] = [];
  const conns = new PoolConnections(
    size,
    (slot) => {
      opened.push(slot.index);
      if (open) return open(slot);
      const s = new Subject<ConnectionEvent>();
      sockets.set(slot.index, s);
      return s;
    },
    (index, e) => events.push([index, e.type]),
  );
  const socket = (i: number) => sockets.get(i) as Subject<ConnectionEvent>;
  let error: unknown;
  let sub: Subscription | undefined;
  const run = () => (sub = conns.run$.subscribe({ error: (e: unknown) => (error = e) }));
  return { conns, opened, socket, events, run, stop: () => sub?.unsubscribe(), error: () => error };
}

describe('PoolConnections', () => {
  it('makes its slots at once and opens nothing until run', () => {
    const t = setup(3);
    expect(t.conns.size).toBe(3);
    expect(t.conns.slots.map((s) => [s.index, s.running, s.welcomed, s.retiring])).toEqual([
      [0, undefined, false, false],
      [1, undefined, false, false],
      [2, undefined, false, false],
    ]);
    expect(t.conns.running).toBe(false);
    expect(t.opened).toEqual([]);
    t.run();
    expect(t.conns.running).toBe(true);
    t.stop();
    expect(t.conns.running).toBe(false);
  });

  it('opens connection i + 1 only at the first welcome of connection i', () => {
    const t = setup(3);
    t.run();
    expect(t.opened).toEqual([0]);
    t.socket(0).next({ type: 'connecting', attempt: 0 });
    expect(t.opened).toEqual([0]);
    t.socket(0).next(welcome);
    expect(t.opened).toEqual([0, 1]);
    expect(t.conns.slots[0]?.welcomed).toBe(true);
    // a second welcome of the same connection opens nothing more
    t.socket(0).next(welcome);
    expect(t.opened).toEqual([0, 1]);
    t.socket(1).next(welcome);
    expect(t.opened).toEqual([0, 1, 2]);
    t.socket(2).next(welcome);
    expect(t.opened).toEqual([0, 1, 2]);
    expect(t.events).toEqual([
      [0, 'connecting'],
      [0, 'welcome'],
      [0, 'welcome'],
      [1, 'welcome'],
      [2, 'welcome'],
    ]);
  });

  it('opens each connection once when the welcomes come during subscribe', () => {
    const t = setup(4, () => concat(of(welcome), NEVER));
    t.run();
    expect(t.opened).toEqual([0, 1, 2, 3]);
    expect(t.conns.slots.every((s) => s.welcomed && s.running !== undefined)).toBe(true);
  });

  it('ends with the error of any one connection', () => {
    const t = setup(2);
    t.run();
    t.socket(0).next(welcome);
    const boom = new Error('boom');
    t.socket(1).error(boom);
    expect(t.error()).toBe(boom);
  });

  it('closes every connection when unsubscribed, and opens them in turn again when run again', () => {
    const t = setup(2);
    t.run();
    t.socket(0).next(welcome);
    t.socket(1).next(welcome);
    const first = [t.socket(0), t.socket(1)];
    t.stop();
    expect(first.map((s) => s.observed)).toEqual([false, false]);
    expect(t.conns.slots.map((s) => [s.running, s.welcomed])).toEqual([
      [undefined, false],
      [undefined, false],
    ]);
    t.run();
    expect(t.opened).toEqual([0, 1, 0]);
  });

  it('opens a grown connection once its predecessor is welcomed, and nothing while not running', () => {
    const t = setup(1);
    t.conns.resize(2);
    expect(t.opened).toEqual([]);
    t.run();
    t.conns.resize(3);
    expect(t.opened).toEqual([0]);
    t.socket(0).next(welcome);
    t.socket(1).next(welcome);
    expect(t.opened).toEqual([0, 1, 2]);
    t.socket(2).next(welcome);
    t.conns.resize(4);
    expect(t.opened).toEqual([0, 1, 2, 3]);
    expect(t.conns.size).toBe(4);
  });

  it('keeps retiring connections until they hold nothing, closing them from the end', () => {
    const t = setup(4, () => concat(of(welcome), NEVER));
    t.run();
    t.conns.resize(2);
    expect(t.conns.size).toBe(2);
    expect(t.conns.slots.map((s) => s.retiring)).toEqual([false, false, true, true]);
    const completed: number[] = [];
    for (const s of t.conns.slots) s.intents.subscribe({ complete: () => completed.push(s.index) });
    // the last one still holds something: nothing closes, not even the one before it
    t.conns.retire((i) => i !== 3);
    expect(t.conns.slots.length).toBe(4);
    t.conns.retire((i) => i === 3);
    expect(t.conns.slots.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(completed).toEqual([3]);
    // never closes a connection the pool keeps, even empty
    t.conns.retire(() => true);
    expect(t.conns.slots.map((s) => s.index)).toEqual([0, 1]);
    expect(completed).toEqual([3, 2]);
    expect(t.conns.slots.every((s) => s.running !== undefined)).toBe(true);
  });

  it('stops a retired connection', () => {
    const t = setup(2);
    t.run();
    t.socket(0).next(welcome);
    const second = t.socket(1);
    t.conns.resize(1);
    t.conns.retire(() => true);
    expect(second.observed).toBe(false);
    expect(t.socket(0).observed).toBe(true);
  });

  it('un-retires a connection the pool grows back to, and never opens a retiring one', () => {
    const t = setup(3);
    t.run();
    t.conns.resize(1);
    t.socket(0).next(welcome);
    expect(t.opened).toEqual([0]);
    t.conns.resize(3);
    expect(t.conns.slots.map((s) => s.retiring)).toEqual([false, false, false]);
    expect(t.opened).toEqual([0, 1]);
  });

  it('completes every intents stream on close', () => {
    const t = setup(2);
    const done: number[] = [];
    for (const s of t.conns.slots) s.intents.subscribe({ complete: () => done.push(s.index) });
    t.conns.close();
    expect(done).toEqual([0, 1]);
  });

  it('hands each connection its own intents stream', () => {
    const seen: Intent[][] = [[], []];
    const t = setup(2, (slot) => {
      slot.intents.subscribe((i) => seen[slot.index]?.push(i));
      return concat(of(welcome), NEVER);
    });
    t.run();
    const want: Intent = { type: 'want', ref: 1, topic: 't', room: 'r', tokenRef: 1 };
    t.conns.slots[1]?.intents.next(want);
    expect(seen).toEqual([[], [want]]);
  });
});
