import * as t from 'io-ts';
import { Observable, SchedulerLike, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionConfig, ConnectionEvent, Intent, connect } from '../../lib/connection/connect';
import { AstroError } from '../../lib/errors/astroError';
import type { OpenSocket, SocketEvent, SocketHandle } from '../../lib/transport/types';
import { runConnection } from '../helpers/connectOnFakeGateway';
import { fakeGateway } from '../helpers/fakeGateway';
import { createTestScheduler } from '../helpers/testScheduler';

const want = (ref: number, room = 'r1'): Intent => ({ type: 'want', ref, topic: 'channel.tips', room, tokenRef: 1 });
const unwant = (ref: number, room = 'r1'): Intent => ({ type: 'unwant', ref, topic: 'channel.tips', room, tokenRef: 1 });
const message = (id?: string, data: unknown = { amount: 1 }, room = 'r1') => ({ ...(id !== undefined ? { id } : {}), type: 'message', topic: 'channel.tips', room, data });

const run = runConnection;

/** Message ids as delivered (`dup x` for a dropped duplicate, `-` for a frame without id). */
const delivered = (events: ConnectionEvent[]) =>
  events.flatMap((e) => (e.type === 'frame' && e.frame.type === 'message' ? [e.frame.id ?? '-'] : e.type === 'duplicate_dropped' ? [`dup ${e.id ?? '-'}`] : []));
const failures = (events: ConnectionEvent[]) => events.flatMap((e) => (e.type === 'decode_failure' ? [e.failure._tag] : []));

describe('connect: decoding options', () => {
  it('refuses a frame over the maxFrameBytes given, as a decode failure naming the limit', () => {
    const { events } = run({ maxFrameBytes: 200 }, {}, (g, _i, sch) => {
      sch.schedule(() => g.link(0).push({ type: 'response', data: { message: 'x'.repeat(300) } }), 5);
    });
    expect(events.filter((e) => e.type === 'decode_failure')).toEqual([{ type: 'decode_failure', failure: expect.objectContaining({ _tag: 'FrameTooLarge', limit: 200 }) }]);
  });

  const TipsAmount = t.type({ amount: t.number });
  it.each<[string, ConnectionConfig['validatePayloads'], string[]]>([
    ['not given: nothing checked', undefined, []],
    ['false: nothing checked', false, []],
    ['true: every documented topic checked', true, ['PayloadMismatch']],
    ['a codec of its own for the topic', { 'channel.tips': TipsAmount }, ['PayloadMismatch']],
    ['a codec of another topic only', { 'channel.follows': TipsAmount }, []],
  ])('validatePayloads %s', (_what, validatePayloads, expected) => {
    const { events } = run(validatePayloads === undefined ? {} : { validatePayloads }, {}, (g, intents, sch) => {
      sch.schedule(() => intents.next(want(1)), 2);
      sch.schedule(() => g.publish('channel.tips', 'r1', { amount: 'lots' }, 'M1'), 10);
    });
    expect(failures(events)).toEqual(expected);
    // a payload that does not match is still delivered, with its envelope
    expect(delivered(events)).toEqual(['M1']);
  });
});

describe('connect: de-duplication edges', () => {
  it('never drops messages without an id, even while two sockets overlap', () => {
    const { events } = run({}, {}, (g, intents, sch) => {
      sch.schedule(() => intents.next(want(1)), 2);
      sch.schedule(() => g.drain(g.link(0)), 10);
      sch.schedule(() => g.link(0).push(message()), 10);
      sch.schedule(() => g.link(0).push(message()), 10);
    });
    expect(delivered(events)).toEqual(['-', '-']);
  });

  it('stops checking dedupeWindow messages after the switch when the old socket closed before the new welcome', () => {
    const { events, gateway } = run({ dedupeWindow: 2 }, {}, (g, intents, sch) => {
      sch.schedule(() => intents.next(want(1)), 2);
      sch.schedule(() => g.drain(g.link(0)), 10);
      sch.schedule(() => g.link(0).drop(), 10);
      ['M4', 'M4', 'M5', 'M5'].forEach((id, i) => sch.schedule(() => g.publish('channel.tips', 'r1', { amount: 1 }, id), 20 + i));
    });
    expect(gateway.links).toHaveLength(2);
    expect(events.filter((e) => e.type === 'welcome')).toHaveLength(2);
    expect(delivered(events)).toEqual(['M4', 'dup M4', 'M5', 'M5']);
  });

  it('keeps dropping duplicates while the socket of a refused handover still delivers beside the fresh one', () => {
    const oldClosed: boolean[] = [];
    // r2 is answered late: the old socket is kept until the fresh one holds both rooms
    const { events, gateway } = run({ dedupeWindow: 1 }, { responseDelay: (c) => (c.data.room === 'r2' ? 50 : 1) }, (g, intents, sch) => {
      sch.schedule(() => intents.next(want(1)), 2);
      sch.schedule(() => intents.next(want(2, 'r2')), 2);
      sch.schedule(() => g.drain(g.link(0), false), 100);
      // the token is refused at 101, a fresh socket opens at 201 and is welcomed at 202; r1 answered at 203
      ['M7', 'M8'].forEach((id, i) => sch.schedule(() => g.publish('channel.tips', 'r1', { amount: 1 }, id), 210 + i));
      // r2 is answered on the fresh socket at 252: only then is the old one closed
      [230, 260].forEach((at) => sch.schedule(() => oldClosed.push(g.link(0).closedByClient), at));
    });
    expect(oldClosed).toEqual([false, true]);
    expect(gateway.links.map((l) => l.subscriptions.size)).toEqual([2, 0, 2]);
    expect(delivered(events)).toEqual(['M7', 'dup M7', 'M8', 'dup M8']);
  });
});

describe('connect: the commands it sends', () => {
  it('asks tokenOf only for subscribes, and sends an unsubscribe without a token', () => {
    const asked: unknown[] = [];
    const { gateway } = run(
      {
        tokenOf: (ref) => {
          asked.push(ref);
          return { token: 't0k3n', tokenType: 'jwt' };
        },
      },
      {},
      (_g, intents, sch) => {
        sch.schedule(() => intents.next(want(1)), 2);
        sch.schedule(() => intents.next(unwant(1)), 10);
      },
    );
    expect(asked).toStrictEqual([1]);
    expect(gateway.link(0).sent.map((s) => s.command)).toEqual([
      { type: 'subscribe', nonce: 'n1', data: { topic: 'channel.tips', room: 'r1', token: 't0k3n', token_type: 'jwt' } },
      { type: 'unsubscribe', nonce: 'n2', data: { topic: 'channel.tips', room: 'r1' } },
    ]);
  });

  it('leaves the global room "" by an unsubscribe without a room', () => {
    const { gateway } = run({}, {}, (_g, intents, sch) => {
      sch.schedule(() => intents.next(want(1, '')), 2);
      sch.schedule(() => intents.next(unwant(1, '')), 10);
    });
    expect(gateway.link(0).sent.map((s) => s.command)).toEqual([
      { type: 'subscribe', nonce: 'n1', data: { topic: 'channel.tips', room: '', token: 't0k3n', token_type: 'jwt' } },
      { type: 'unsubscribe', nonce: 'n2', data: { topic: 'channel.tips' } },
    ]);
  });
});

describe('connect: its one timer', () => {
  /** The test scheduler, counting the work scheduled through it (after `from`). */
  function counting(scheduler: TestScheduler, from: number) {
    const at: number[] = [];
    const counted: SchedulerLike = {
      now: () => scheduler.now(),
      schedule: ((work: never, delay?: number, state?: never) => {
        if (scheduler.now() >= from) at.push(scheduler.now());
        return scheduler.schedule(work, delay, state);
      }) as SchedulerLike['schedule'],
    };
    return { at, counted };
  }

  it('schedules nothing more while its wake time holds, nor once nothing waits', () => {
    const scheduler = createTestScheduler();
    const events: ConnectionEvent[] = [];
    let at: number[] = [];
    scheduler.run(() => {
      const gateway = fakeGateway(scheduler, { responseDelay: 50, observesPings: false });
      const c = counting(scheduler, 3);
      at = c.at;
      const intents = new Subject<Intent>();
      const s = connect({ url: 'ws://127.0.0.1:1', intents, tokenOf: () => ({ token: 't0k3n', tokenType: 'jwt' }), openSocket: gateway.openSocket, scheduler: c.counted, nonce: () => 'n1' }).subscribe((e) =>
        events.push(e),
      );
      scheduler.schedule(() => intents.next(want(1)), 2);
      // garbage while the subscribe waits for its answer (due at 52): each frame steps the machine
      for (let i = 0; i < 5; i++) scheduler.schedule(() => gateway.link(0).push('not json'), 10 + i);
      scheduler.schedule(() => s.unsubscribe(), 20_000);
      scheduler.flush();
    });
    expect(failures(events)).toEqual(['InvalidJson', 'InvalidJson', 'InvalidJson', 'InvalidJson', 'InvalidJson']);
    expect(events.filter((e) => e.type === 'subscribed')).toHaveLength(1);
    expect(at).toEqual([]);
  });
});

describe('connect: sockets that die under it', () => {
  type Line = [string, string, unknown];
  const recordingLogger = (lines: Line[]) => ({
    debug: (m: string, meta?: unknown) => lines.push(['debug', m, meta]),
    info: (m: string, meta?: unknown) => lines.push(['info', m, meta]),
    warn: (m: string, meta?: unknown) => lines.push(['warn', m, meta]),
  });
  const WELCOME = JSON.stringify({ id: 'W0', type: 'welcome', data: { client_id: 'c0' } });
  const closedLine: Line = ['debug', 'a command found its socket closed; it will be sent again', { link: 0 }];

  it('keeps the commands of a socket that closed while sending, and a wakeup in the same breath closes nothing twice', () => {
    const scheduler = createTestScheduler();
    const lines: Line[] = [];
    const events: ConnectionEvent[] = [];
    let gateway!: ReturnType<typeof fakeGateway>;
    scheduler.run(() => {
      gateway = fakeGateway(scheduler);
      // socket 0 closes (synchronously) as the first command is written; later sockets are the fake gateway's
      let opened = 0;
      const openSocket: OpenSocket = (url) =>
        opened++ > 0
          ? gateway.openSocket(url)
          : new Observable<SocketEvent>((sub) => {
              const handle: SocketHandle = {
                observesPings: false,
                send: () => {
                  sub.error(new AstroError('transport', 'socket closed (code 1006)', { closeCode: 1006 }));
                  return false;
                },
              };
              sub.next({ type: 'open', socket: handle });
              scheduler.schedule(() => sub.next({ type: 'frame', data: WELCOME }), 1);
            });
      const intents = new Subject<Intent>();
      const wakeups = new Subject<void>();
      let seq = 0;
      const s = connect({ url: 'ws://127.0.0.1:1', intents, wakeups, tokenOf: () => ({ token: 't0k3n', tokenType: 'jwt' }), openSocket, scheduler, logger: recordingLogger(lines), nonce: () => `n${++seq}` }).subscribe((e) => {
        events.push(e);
        // the user reacts at once to the first welcome: the network is back
        if (e.type === 'welcome' && events.filter((x) => x.type === 'welcome').length === 1) wakeups.next();
      });
      intents.next(want(1));
      intents.next(want(2, 'r2'));
      scheduler.schedule(() => s.unsubscribe(), 100);
      scheduler.flush();
    });
    expect(lines.filter(([, m]) => m.startsWith('a command'))).toEqual([closedLine, closedLine]);
    expect(events.filter((e) => e.type === 'disconnected').map((e) => e.type === 'disconnected' && e.cause)).toEqual(['wakeup']);
    expect(gateway.link(0).sent.map((x) => x.command.data.room)).toEqual(['r1', 'r2']);
    expect(events.filter((e) => e.type === 'subscribed').map((e) => e.type === 'subscribed' && e.room)).toEqual(['r1', 'r2']);
  });

  it('holds its commands while a transport that never reported open has no handle to send with', () => {
    const scheduler = createTestScheduler();
    const lines: Line[] = [];
    scheduler.run(() => {
      const openSocket: OpenSocket = () => new Observable<SocketEvent>((sub) => void scheduler.schedule(() => sub.next({ type: 'frame', data: WELCOME }), 1));
      const intents = new Subject<Intent>();
      const s = connect({ url: 'ws://127.0.0.1:1', intents, tokenOf: () => ({ token: 't0k3n', tokenType: 'jwt' }), openSocket, scheduler, logger: recordingLogger(lines), nonce: () => 'n1' }).subscribe();
      intents.next(want(1));
      scheduler.schedule(() => s.unsubscribe(), 50);
      scheduler.flush();
    });
    expect(lines.filter(([, m]) => m.startsWith('a command'))).toEqual([closedLine]);
  });
});
