import { NEVER, Observable, Subject } from 'rxjs';
import { ConnectionConfig, ConnectionEvent, Intent, connect } from '../../lib/connection/connect';
import type { SocketEvent, SocketHandle, WebSocketCtor } from '../../lib/transport/types';
import { fakeGateway } from '../helpers/fakeGateway';
import { runConnection } from '../helpers/connectOnFakeGateway';
import { createTestScheduler } from '../helpers/testScheduler';

type Line = [level: string, message: string, meta?: Record<string, unknown>];

function recordingLogger() {
  const lines: Line[] = [];
  const logger = {
    debug: (m: string, meta?: Record<string, unknown>) => lines.push(['debug', m, meta]),
    info: (m: string, meta?: Record<string, unknown>) => lines.push(['info', m, meta]),
    warn: (m: string, meta?: Record<string, unknown>) => lines.push(['warn', m, meta]),
  };
  return { lines, logger };
}

const want = (ref: number, room = 'r1'): Intent => ({ type: 'want', ref, topic: 'channel.tips', room, tokenRef: 1 });
const WELCOME = JSON.stringify({ id: 'W0', type: 'welcome', data: { message: 'hi', client_id: 'c0' } });

describe('connect: log lines', () => {
  it('warns, without sending, about a subscribe whose token is gone', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const gateway = fakeGateway(scheduler);
      const { lines, logger } = recordingLogger();
      const intents = new Subject<Intent>();
      const s = connect({ url: 'ws://127.0.0.1:1', intents, tokenOf: () => undefined, openSocket: gateway.openSocket, scheduler, logger, nonce: () => 'n1' }).subscribe();
      scheduler.schedule(() => intents.next(want(1, 'room-7')), 5);
      scheduler.schedule(() => s.unsubscribe(), 50);
      scheduler.flush();
      expect(gateway.link(0).sent).toEqual([]);
      expect(lines.filter(([level]) => level === 'warn')).toEqual([['warn', 'no token for a subscribe to channel.tips; skipped', undefined]]);
    });
  });

  it('logs the socket it opens, and a command that found its socket closed', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { lines, logger } = recordingLogger();
      // a socket that welcomes, then refuses to send (its send returns false, as a closing socket's does)
      const handle: SocketHandle = { observesPings: false, send: () => false };
      const openSocket = () =>
        new Observable<SocketEvent>((sub) => {
          sub.next({ type: 'open', socket: handle });
          scheduler.schedule(() => sub.next({ type: 'frame', data: WELCOME }), 1);
        });
      const intents = new Subject<Intent>();
      const s = connect({ url: 'ws://127.0.0.1:1', intents, tokenOf: () => ({ token: 't0k3n', tokenType: 'jwt' }), openSocket, scheduler, logger, nonce: () => 'n1' }).subscribe();
      scheduler.schedule(() => intents.next(want(1)), 5);
      scheduler.schedule(() => s.unsubscribe(), 50);
      scheduler.flush();
      expect(lines).toContainEqual(['debug', 'opening a socket to ws://127.0.0.1:1', { link: 0 }]);
      expect(lines).toContainEqual(['debug', 'a command found its socket closed; it will be sent again', { link: 0 }]);
    });
  });

  it('logs a token reconnection with its token redacted', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const gateway = fakeGateway(scheduler);
      const { lines, logger } = recordingLogger();
      const s = connect({ url: 'ws://127.0.0.1:1', intents: NEVER, tokenOf: () => undefined, openSocket: gateway.openSocket, scheduler, logger }).subscribe();
      let token = '';
      scheduler.schedule(() => (token = gateway.drain(gateway.link(0))), 5);
      scheduler.schedule(() => s.unsubscribe(), 50);
      scheduler.flush();
      const opening = lines.filter(([, m]) => m.startsWith('opening'));
      expect(opening.map(([level, m, meta]) => [level, m.replace(/ to .*/, ''), meta])).toEqual([
        ['debug', 'opening a socket', { link: 0 }],
        ['debug', 'opening a token reconnection', { link: 1 }],
      ]);
      expect(opening[1]?.[1]).toMatch(/reconnect_token=\[redacted\]/);
      expect(JSON.stringify(lines)).not.toContain(token.slice(0, 4));
    });
  });
});

describe('connect: message frames', () => {
  const run = (onMessage?: (frame: unknown) => void) =>
    runConnection({ nonce: () => 'n1', ...(onMessage ? { onMessage } : {}) }, {}, (gateway, intents, scheduler) => {
      scheduler.schedule(() => intents.next(want(1)), 2);
      scheduler.schedule(() => gateway.publish('channel.tips', 'r1', { amount: 1 }, 'M1'), 10);
    }, 20).events;

  it('reports message frames as frame events when no onMessage is given', () => {
    const frames = run().filter((e) => e.type === 'frame' && e.frame.type === 'message');
    expect(frames).toEqual([{ type: 'frame', frame: expect.objectContaining({ id: 'M1', type: 'message', topic: 'channel.tips', room: 'r1', data: { amount: 1 } }) }]);
  });

  it('hands message frames to onMessage, not to the event stream, when given', () => {
    const got: unknown[] = [];
    const events = run((f) => got.push(f));
    expect(got).toEqual([expect.objectContaining({ id: 'M1', type: 'message' })]);
    expect(events.filter((e) => e.type === 'frame' && e.frame.type === 'message')).toEqual([]);
  });
});

describe('connect: de-duplication around a handover', () => {
  it('drops a message both sockets deliver during a handover, and checks dedupeWindow more messages after it', () => {
    const scheduler = createTestScheduler();
    const events: ConnectionEvent[] = [];
    scheduler.run(() => {
      const gateway = fakeGateway(scheduler);
      const intents = new Subject<Intent>();
      const s = connect({ url: 'ws://127.0.0.1:1', intents, tokenOf: () => ({ token: 't0k3n', tokenType: 'jwt' }), openSocket: gateway.openSocket, scheduler, nonce: () => 'n1', dedupeWindow: 2 }).subscribe(
        (e) => events.push(e),
      );
      scheduler.schedule(() => intents.next(want(1)), 2);
      scheduler.schedule(() => gateway.publish('channel.tips', 'r1', { amount: 1 }, 'M1'), 5);
      scheduler.schedule(() => gateway.publish('channel.tips', 'r1', { amount: 1 }, 'M1'), 6);
      scheduler.schedule(() => gateway.drain(gateway.link(0)), 10);
      // both the old and the new socket hold the subscription now
      scheduler.schedule(() => gateway.publish('channel.tips', 'r1', { amount: 2 }, 'M2'), 10);
      scheduler.schedule(() => gateway.publish('channel.tips', 'r1', { amount: 3 }, 'M3'), 10);
      // after the switch (the welcome at 11): two more checks, then none
      scheduler.schedule(() => gateway.publish('channel.tips', 'r1', { amount: 4 }, 'M4'), 20);
      scheduler.schedule(() => gateway.publish('channel.tips', 'r1', { amount: 4 }, 'M4'), 21);
      scheduler.schedule(() => gateway.publish('channel.tips', 'r1', { amount: 5 }, 'M5'), 22);
      scheduler.schedule(() => gateway.publish('channel.tips', 'r1', { amount: 5 }, 'M5'), 23);
      scheduler.schedule(() => s.unsubscribe(), 30);
      scheduler.flush();
      expect(gateway.links).toHaveLength(2);
    });
    const seen = events.flatMap((e) => (e.type === 'frame' && e.frame.type === 'message' ? [e.frame.id] : e.type === 'duplicate_dropped' ? [`dup ${e.id}`] : []));
    expect(seen).toEqual(['M1', 'M1', 'M2', 'dup M2', 'M3', 'dup M3', 'M4', 'dup M4', 'M5', 'M5']);
  });
});

describe('connect: the transport it builds', () => {
  /** A WebSocket class shaped like the `ws` package's (it has `on`), recording how it is built. */
  function recordingCtor() {
    const built: Array<{ url: string; options?: unknown }> = [];
    class Fake {
      readyState = 0;
      constructor(url: string, options?: unknown) {
        built.push({ url, ...(options !== undefined ? { options } : {}) });
      }
      send(): void {}
      close(): void {
        this.readyState = 3;
      }
      addEventListener(): void {}
      removeEventListener(): void {}
      on(): void {}
      removeAllListeners(): void {}
    }
    return { built, Ctor: Fake as unknown as WebSocketCtor };
  }

  const open = (over: Partial<ConnectionConfig>) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const s = connect({ url: 'ws://127.0.0.1:1', intents: NEVER, tokenOf: () => undefined, scheduler, ...over }).subscribe();
      scheduler.schedule(() => s.unsubscribe(), 5);
      scheduler.flush();
    });
  };

  it.each([
    ['the maxFrameBytes given', 4096, 4096 + 1024],
    ['1 MiB by default', undefined, 1024 * 1024 + 1024],
  ])('opens the WebSocketCtor given, with %s', (_what, maxFrameBytes, maxPayload) => {
    const { built, Ctor } = recordingCtor();
    open({ WebSocketCtor: Ctor, ...(maxFrameBytes !== undefined ? { maxFrameBytes } : {}) });
    expect(built).toEqual([{ url: 'ws://127.0.0.1:1', options: { maxPayload, skipUTF8Validation: true } }]);
  });

  it('uses openSocket over a WebSocketCtor', () => {
    const { built, Ctor } = recordingCtor();
    const urls: string[] = [];
    open({ WebSocketCtor: Ctor, openSocket: (url) => (urls.push(url), NEVER) });
    expect(built).toEqual([]);
    expect(urls).toEqual(['ws://127.0.0.1:1']);
  });
});
