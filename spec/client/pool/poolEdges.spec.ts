import { Observable, Subject, type SchedulerLike } from 'rxjs';
import type { ConnectionEvent, Intent } from '../../../lib/connection/events';
import { AstroError } from '../../../lib/errors/astroError';
import { ClientOutputs } from '../../../lib/client/outputs';
import { createPool } from '../../../lib/client/pool/pool';
import { keyHash, ownerOf } from '../../../lib/client/pool/rendezvous';
import { Registry, addSink, type Entry, type Sink } from '../../../lib/client/registry';
import type { ClientMetrics, ConnectionState, Gap, TopicMessage } from '../../../lib/client/types';
import type { MessageFrame } from '../../../lib/protocol/frames';
import type { ServerFrame } from '../../../lib/protocol/frames';
import { invalidJson } from '../../../lib/protocol/decodeFailure';
import { safeLogger } from '../../../lib/util/logger';

// The pool machine with each connection a Subject the spec drives: placement, moves, refusals, stops.

const TIPS = 'channel.tips';
const ROOMS = Array.from({ length: 24 }, (_, i) => `room${i}`);
const ownerAmong = (k: number, room: string) => ownerOf(keyHash(TIPS, room, 'tok'), k);
/** A room that connection 0 owns among 1 and `to` owns among k. */
const movingTo = (k: number, to: number) => ROOMS.find((r) => ownerAmong(k, r) === to) as string;

interface Conn {
  readonly intents: string[];
  readonly events: Subject<ConnectionEvent>;
  readonly message: (frame: MessageFrame) => void;
  intentsDone: boolean;
}

function setup(size: number, pooled: boolean) {
  let clock = 0;
  const scheduler = { now: () => clock } as SchedulerLike;
  const lines: string[] = [];
  const log = safeLogger({ info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) });
  const out = new ClientOutputs(log);
  const registry = new Registry(() => undefined);
  const opened: Conn[] = [];
  const pool = createPool({
    registry,
    out,
    log,
    scheduler,
    size,
    pooled,
    connect: (intents, onMessage) =>
      new Observable<ConnectionEvent>((subscriber) => {
        const conn: Conn = { intents: [], events: new Subject<ConnectionEvent>(), message: onMessage, intentsDone: false };
        opened.push(conn);
        const a = intents.subscribe({ next: (i: Intent) => conn.intents.push(`${i.type} ${i.room}`), complete: () => (conn.intentsDone = true) });
        const b = conn.events.subscribe(subscriber);
        return () => {
          a.unsubscribe();
          b.unsubscribe();
        };
      }),
  });
  const states: ConnectionState[] = [];
  const gaps: Gap[] = [];
  const warnings: AstroError[] = [];
  let metrics: ClientMetrics | undefined;
  out.state.subscribe((s) => states.push(s));
  out.gaps.subscribe((g) => gaps.push(g));
  out.warnings.subscribe((w) => warnings.push(w));
  out.metrics$.subscribe((m) => (metrics = m));
  const listeners = new Map<string, { entry: Entry; events: TopicMessage[]; error?: AstroError }>();
  const listen = (room: string) =>
    new Observable<TopicMessage>((s) => {
      const entry = registry.acquire(TIPS, room, 'tok', 'jwt');
      const l = { entry, events: [] as TopicMessage[] };
      listeners.set(room, l);
      if (addSink(entry, s as unknown as Sink)) pool.want(entry);
    }).subscribe({ next: (e) => listeners.get(room)?.events.push(e), error: (e: AstroError) => Object.assign(listeners.get(room) as object, { error: e }) });
  const conn = (i: number) => opened[i] as Conn;
  const emit = (i: number, e: ConnectionEvent) => conn(i).events.next(e);
  const entry = (room: string) => (listeners.get(room) as { entry: Entry }).entry;
  const welcome = (i: number) => emit(i, { type: 'welcome', clientId: `c${i}`, restored: false });
  const subscribe = (i: number, rooms: readonly string[], canonical?: string) => {
    for (const room of rooms) emit(i, { type: 'subscribed', refs: [entry(room)], topic: TIPS, room: canonical ?? room });
  };
  const frame = (room: string, id: string): MessageFrame => ({ type: 'message', topic: TIPS, room, id, data: { n: id } });
  return {
    pool, out, registry, lines, states, gaps, warnings, listeners, listen, conn, emit, entry, welcome, subscribe, frame, opened,
    setNow: (t: number) => (clock = t),
    metrics: () => metrics as ClientMetrics,
    last: () => states[states.length - 1] as ConnectionState,
    run: () => pool.run$.subscribe({ error: () => undefined }),
  };
}

describe('the pool machine', () => {
  it('places keys directly when resized before it runs: no moves, owned counts follow', () => {
    const t = setup(1, true);
    ROOMS.forEach(t.listen);
    t.pool.resize(3);
    expect(t.pool.size).toBe(3);
    expect(t.last().connections?.map((c) => c.status)).toEqual(['idle', 'idle', 'idle']);
    for (const room of ROOMS) {
      expect(t.entry(room).owner).toBe(ownerAmong(3, room));
      expect(t.entry(room).move).toBeUndefined();
    }
    const owned = [0, 1, 2].map((i) => ROOMS.filter((r) => ownerAmong(3, r) === i).length);
    expect(t.out.connectionMetrics?.().map((c) => c.activeSubscriptions)).toEqual(owned);
    t.run();
    // connection 0 starts with its own keys only
    expect(t.conn(0).intents.sort()).toEqual(ROOMS.filter((r) => ownerAmong(3, r) === 0).map((r) => `want ${r}`).sort());
  });

  it('calls a move off when the target refuses it, with a warning, and the old owner keeps the key', () => {
    const t = setup(1, true);
    const room = movingTo(2, 1);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.subscribe(0, [room]);
    t.pool.resize(2);
    expect(t.opened.length).toBe(2);
    expect(t.conn(1).intents).toEqual([`want ${room}`]);
    t.emit(1, { type: 'failed', refs: [t.entry(room)], error: new AstroError('err_unauthorized', 'no') });
    expect(t.lines).toContain(`warn moving a subscription to ${TIPS} to connection 1 failed (err_unauthorized); it stays on connection 0`);
    expect(t.entry(room).owner).toBe(0);
    expect(t.entry(room).move).toBeUndefined();
    expect(t.listeners.get(room)?.error).toBeUndefined();
    expect(t.conn(0).intents).toEqual([`want ${room}`]);
    // the owner still delivers
    t.conn(0).message(t.frame(room, 'e1'));
    expect(t.listeners.get(room)?.events.map((e) => e.id)).toEqual(['e1']);
  });

  it("fails the key when its owner refuses it, unsubscribing a move's target", () => {
    const t = setup(1, true);
    const room = movingTo(2, 1);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.pool.resize(2);
    t.emit(0, { type: 'failed', refs: [t.entry(room)], error: new AstroError('err_unauthorized', 'no') });
    expect(t.listeners.get(room)?.error?.code).toBe('err_unauthorized');
    expect(t.conn(0).intents).toEqual([`want ${room}`]);
    expect(t.conn(1).intents).toEqual([`want ${room}`, `unwant ${room}`]);
    expect(t.registry.size).toBe(0);
    expect(t.metrics().activeSubscriptions).toBe(0);
    expect(t.out.connectionMetrics?.().map((c) => c.activeSubscriptions)).toEqual([0, 0]);
  });

  it('ignores a refusal from a connection that neither owns the key nor is moving it', () => {
    const t = setup(2, true);
    const room = movingTo(2, 0);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.emit(1, { type: 'failed', refs: [t.entry(room)], error: new AstroError('err_unauthorized', 'no') });
    expect(t.listeners.get(room)?.error).toBeUndefined();
    expect(t.registry.size).toBe(1);
    expect(t.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('switches a move at the target confirmation: the old owner unsubscribes, counts move, frames follow', () => {
    const t = setup(1, true);
    const room = movingTo(2, 1);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.subscribe(0, [room]);
    t.pool.resize(2);
    // pending: only the owner's copy
    t.conn(1).message(t.frame(room, 'a'));
    t.conn(0).message(t.frame(room, 'b'));
    t.setNow(50);
    t.subscribe(1, [room], 'canon');
    expect(t.entry(room).owner).toBe(1);
    expect(t.conn(0).intents).toEqual([`want ${room}`, `unwant ${room}`]);
    expect(t.out.connectionMetrics?.().map((c) => c.activeSubscriptions)).toEqual([0, 1]);
    t.conn(1).message(t.frame(room, 'c'));
    t.conn(0).message(t.frame(room, 'c'));
    expect(t.listeners.get(room)?.events.map((e) => e.id)).toEqual(['b', 'c']);
    // past the settling window the old connection is ignored
    t.setNow(50 + 5001);
    t.conn(0).message(t.frame(room, 'd'));
    t.conn(1).message(t.frame(room, 'e'));
    expect(t.listeners.get(room)?.events.map((e) => e.id)).toEqual(['b', 'c', 'e']);
    // the canonical room the target named is learned
    expect(t.entry(room).canonical).toBe('canon');
  });

  it("closes the move's gap on the old owner only, and a lost key on a connection that does not own it opens none", () => {
    const t = setup(1, true);
    const room = movingTo(2, 1);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.pool.resize(2);
    // the target loses it while pending: not a gap of anything delivered
    t.setNow(10);
    t.emit(1, { type: 'lost', refs: [t.entry(room)] });
    t.setNow(20);
    t.subscribe(1, [room]);
    t.setNow(30);
    t.subscribe(1, [room]);
    expect(t.gaps).toEqual([]);
    // the owner connection losing a key it does not own reports nothing either
    t.emit(0, { type: 'lost', refs: [t.entry(room)] });
    t.emit(0, { type: 'welcome', clientId: 'c0', restored: false, gapFrom: 5 });
    expect(t.gaps).toEqual([{ from: 5, to: 30, cause: 'error', connection: 0 }]);
  });

  it('opens a gap for the keys a connection owns when it loses them, closed when they are back', () => {
    const t = setup(2, true);
    const room = movingTo(2, 1);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.welcome(1);
    t.subscribe(1, [room]);
    t.setNow(10);
    t.emit(1, { type: 'lost', refs: [t.entry(room)] });
    t.setNow(40);
    t.subscribe(1, [room]);
    expect(t.gaps).toEqual([{ from: 10, to: 40, cause: 'resubscribe', connection: 1 }]);
  });

  it.each([
    [true, ' on connection 1'],
    [false, ''],
  ])('logs handovers and lost connections (connections option %s) naming the connection', (pooled, where) => {
    const t = setup(2, pooled);
    t.listen('r');
    t.run();
    t.welcome(0);
    t.emit(1, { type: 'handover', phase: 'started' });
    t.emit(1, { type: 'disconnected', cause: 'error', error: new AstroError('transport', 'socket closed') });
    expect(t.lines).toEqual([`info token handover started${where}`, `warn connection lost${where} (error): socket closed`]);
  });

  it('passes frames and decode failures on', () => {
    const t = setup(1, false);
    const frames: ServerFrame[] = [];
    t.out.frames.subscribe((f) => frames.push(f));
    t.listen('r');
    t.run();
    const pong = { type: 'pong' } as unknown as ServerFrame;
    t.emit(0, { type: 'frame', frame: pong });
    t.conn(0).message(t.frame('r', 'm1'));
    expect(frames).toEqual([pong, t.frame('r', 'm1')]);
    expect(t.listeners.get('r')?.events.map((e) => e.id)).toEqual(['m1']);
    t.emit(0, { type: 'decode_failure', failure: invalidJson('{', 'not json') });
    expect(t.warnings.map((w) => w.code)).toEqual(['decode']);
    expect(t.metrics().messages).toBe(1);
  });

  it('without a connections option delivers every copy it routes, from whichever connection', () => {
    const t = setup(2, false);
    const room = movingTo(2, 1);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.conn(1).message(t.frame(room, 'a'));
    t.conn(0).message(t.frame(room, 'b'));
    expect(t.listeners.get(room)?.events.map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('with a connections option delivers the owner copy only', () => {
    const t = setup(2, true);
    const room = movingTo(2, 1);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.conn(0).message(t.frame(room, 'a'));
    t.conn(1).message(t.frame(room, 'b'));
    expect(t.listeners.get(room)?.events.map((e) => e.id)).toEqual(['b']);
    expect(t.out.connectionMetrics?.().map((c) => c.messages)).toEqual([1, 1]);
  });

  it('unsubscribes a key wherever it is held, and removing it closes an emptied retiring connection', () => {
    const t = setup(2, true);
    const room = movingTo(2, 1);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.welcome(1);
    t.subscribe(1, [room]);
    t.pool.resize(1);
    expect(t.conn(0).intents).toEqual([`want ${room}`]);
    const e = t.entry(room);
    expect(t.pool.remove(e)).toBe(true);
    expect(t.pool.remove(e)).toBe(false);
    t.pool.unwant(e);
    expect(t.conn(0).intents).toEqual([`want ${room}`, `unwant ${room}`]);
    // connection 1 retired once empty: its socket is closed
    expect(t.conn(1).events.observed).toBe(false);
    expect(t.conn(0).events.observed).toBe(true);
    expect(t.out.connectionMetrics?.().map((c) => c.activeSubscriptions)).toEqual([0]);
  });

  it('reads idle when stopped, closed with the error when failed, and a closed pool stays closed', () => {
    const t = setup(2, true);
    t.listen('r');
    const sub = t.run();
    t.welcome(0);
    expect(t.last().connections?.map((c) => c.status)).toEqual(['open', 'connecting']);
    sub.unsubscribe();
    t.pool.stopped();
    expect(t.last()).toEqual({ status: 'idle', connections: [{ status: 'idle' }, { status: 'idle' }] });
    t.pool.stopped({ code: 'transport', message: 'down' });
    const closed = { status: 'closed', lastError: { code: 'transport', message: 'down' } };
    expect(t.last()).toEqual({ ...closed, connections: [closed, closed] });
    t.pool.stopped();
    expect(t.last()).toEqual({ ...closed, connections: [closed, closed] });
  });

  it('reads connecting for every connection waiting its turn once it runs', () => {
    const t = setup(3, true);
    expect(t.last().connections?.map((c) => c.status)).toEqual(['idle', 'idle', 'idle']);
    t.run();
    expect(t.last().connections?.map((c) => c.status)).toEqual(['connecting', 'connecting', 'connecting']);
  });

  it('resizing while running lists the new connections as connecting, and completes intents on close', () => {
    const t = setup(1, false);
    t.listen('r');
    t.run();
    t.welcome(0);
    expect(t.last()).toEqual({ status: 'open', clientId: 'c0' });
    t.pool.resize(2);
    expect(t.last().connections?.map((c) => c.status)).toEqual(['open', 'connecting']);
    expect(t.opened.map((c) => c.intentsDone)).toEqual([false, false]);
    t.pool.close();
    expect(t.opened.map((c) => c.intentsDone)).toEqual([true, true]);
  });

  it('names connections in its logs and gates copies from the first resize of a client without a connections option', () => {
    const t = setup(1, false);
    const room = movingTo(2, 0);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.subscribe(0, [room]);
    t.pool.resize(2);
    t.emit(1, { type: 'disconnected', cause: 'error', error: new AstroError('transport', 'x') });
    expect(t.lines).toEqual(['warn connection lost on connection 1 (error): x']);
    t.conn(1).message(t.frame(room, 'a'));
    t.conn(0).message(t.frame(room, 'b'));
    expect(t.listeners.get(room)?.events.map((e) => e.id)).toEqual(['b']);
    expect(t.out.connectionMetrics?.().map((c) => c.connection)).toEqual([0, 1]);
  });

  it('places no entry nobody subscribes to', () => {
    const t = setup(1, true);
    t.listen(movingTo(3, 0));
    const bare = t.registry.acquire(TIPS, movingTo(3, 2), 'tok', 'jwt');
    t.pool.resize(3);
    expect(bare.owner).toBe(0);
    expect(t.out.connectionMetrics?.().map((c) => c.activeSubscriptions)).toEqual([1, 0, 0]);
    t.run();
    t.welcome(0);
    t.pool.resize(2);
    expect(bare.move).toBeUndefined();
    expect(t.conn(0).intents).toEqual([`want ${movingTo(3, 0)}`]);
  });

  it('forgets a retired connection: growing back lists it as new, owning nothing', () => {
    const t = setup(2, true);
    const room = movingTo(2, 1);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.welcome(1);
    t.subscribe(1, [room]);
    t.pool.resize(1);
    t.subscribe(0, [room]);
    expect(t.entry(room).owner).toBe(0);
    expect(t.conn(1).events.observed).toBe(false);
    expect(t.last().connections?.map((c) => c.status)).toEqual(['open']);
    t.pool.resize(2);
    expect(t.last().connections?.map((c) => c.status)).toEqual(['open', 'connecting']);
    // the key is on its way back to connection 1, still owned by 0; the new connection 1 counts from zero
    expect(t.out.connectionMetrics?.().map((c) => [c.connects, c.activeSubscriptions])).toEqual([
      [1, 1],
      [0, 0],
    ]);
  });

  it('drops a pending move when resized while not running, so that only the owner holds the key when it runs again', () => {
    const t = setup(1, true);
    const room = ROOMS.find((r) => ownerAmong(2, r) === 1 && ownerAmong(3, r) === 2) as string;
    t.listen(room);
    const sub = t.run();
    t.welcome(0);
    t.pool.resize(2);
    expect(t.entry(room).move?.to).toBe(1);
    sub.unsubscribe();
    t.pool.resize(3);
    expect(t.entry(room).owner).toBe(2);
    expect(t.entry(room).move).toBeUndefined();
    t.run();
    t.welcome(2);
    t.welcome(3);
    expect(t.opened.length).toBe(5);
    expect([t.conn(2).intents, t.conn(3).intents, t.conn(4).intents]).toEqual([[], [], [`want ${room}`]]);
  });

  it('learns the canonical room from the owner, and a confirmation from neither owner nor target changes nothing', () => {
    const t = setup(2, true);
    const room = movingTo(2, 0);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.welcome(1);
    t.setNow(10);
    t.emit(0, { type: 'lost', refs: [t.entry(room)] });
    t.setNow(20);
    t.subscribe(1, [room], 'elsewhere');
    expect(t.entry(room).canonical).toBeUndefined();
    expect(t.gaps).toEqual([]);
    expect(t.out.connectionMetrics?.().map((c) => c.activeSubscriptions)).toEqual([1, 0]);
    t.setNow(30);
    t.subscribe(0, [room], 'canon');
    expect(t.entry(room).canonical).toBe('canon');
    expect(t.gaps).toEqual([{ from: 10, to: 30, cause: 'error', connection: 0 }]);
    // messages in the canonical room reach it
    t.conn(0).message(t.frame('canon', 'm'));
    expect(t.listeners.get(room)?.events.map((e) => e.id)).toEqual(['m']);
  });

  it('closes the gap a removed entry was waiting for', () => {
    const t = setup(2, true);
    const room = movingTo(2, 1);
    t.listen(room);
    t.run();
    t.welcome(0);
    t.welcome(1);
    t.subscribe(1, [room]);
    t.setNow(10);
    t.emit(1, { type: 'lost', refs: [t.entry(room)] });
    t.setNow(25);
    t.pool.remove(t.entry(room));
    expect(t.gaps).toEqual([{ from: 10, to: 25, cause: 'resubscribe', connection: 1 }]);
  });
});
