import { Observable, Subscription } from 'rxjs';
import * as t from 'io-ts';
import { TestScheduler } from 'rxjs/testing';
import { LinkConfig, LinkEvent, openLink, toAstroError } from '../../lib/connection/link';
import { AstroError } from '../../lib/errors/astroError';
import { frameTooLarge } from '../../lib/protocol/decodeFailure';
import type { MessageFrame } from '../../lib/protocol/frames';
import type { SocketEvent, SocketHandle } from '../../lib/transport/types';
import { createTestScheduler } from '../helpers/testScheduler';

const WELCOME = JSON.stringify({ id: 'W1', ts: '2026-03-19T12:00:00Z', type: 'welcome', data: { message: 'hi', client_id: 'client-1' } });
const RESPONSE = JSON.stringify({ type: 'response', nonce: 'n1', data: { message: 'ok', topic: 'channel.tips', room: 'r' } });
const message = (data: unknown) => JSON.stringify({ id: 'M1', ts: '2026-03-19T12:00:00Z', type: 'message', topic: 'channel.tips', room: 'r', data });

/** One fake socket on virtual time: the test pushes what the transport would report. */
function fakeSocket(observesPings = true) {
  const handle: SocketHandle = { observesPings, send: () => true };
  const state = { url: '', subscribed: false, unsubscribed: false };
  let sink: { next(e: SocketEvent): void; error(e: unknown): void; complete(): void } | undefined;
  const openSocket = (url: string) =>
    new Observable<SocketEvent>((s) => {
      state.url = url;
      state.subscribed = true;
      sink = s;
      return () => {
        state.unsubscribed = true;
      };
    });
  const live = () => {
    if (!sink) throw new Error('no socket');
    return sink;
  };
  return {
    openSocket,
    state,
    handle,
    open: () => live().next({ type: 'open', socket: handle }),
    frame: (data: string) => live().next({ type: 'frame', data }),
    ping: () => live().next({ type: 'ping' }),
    fail: (err: unknown) => live().error(err),
    complete: () => live().complete(),
  };
}

interface Run {
  readonly scheduler: TestScheduler;
  readonly socket: ReturnType<typeof fakeSocket>;
  readonly events: Array<{ at: number; ev: LinkEvent | 'complete' }>;
  readonly messages: Array<{ at: number; frame: MessageFrame; n: number }>;
  /** Does `work` at virtual time `at`. */
  at(at: number, work: () => void): void;
  sub: Subscription;
}

/** Opens link 3 at time 0 with welcome timeout 100 and heartbeat 300, runs `script`, and flushes. */
function run(script: (r: Run) => void, over: Partial<LinkConfig> & { observesPings?: boolean } = {}): Run {
  const scheduler = createTestScheduler();
  const socket = fakeSocket(over.observesPings ?? true);
  const events: Run['events'] = [];
  const messages: Run['messages'] = [];
  let r!: Run;
  scheduler.run(() => {
    const config: LinkConfig = {
      openSocket: socket.openSocket,
      scheduler,
      decode: {},
      welcomeTimeoutMs: 100,
      heartbeatTimeoutMs: 300,
      onMessage: (frame, n) => messages.push({ at: scheduler.now(), frame, n }),
      ...over,
    };
    const sub = openLink(3, 'ws://127.0.0.1:1/ws', config).subscribe({
      next: (ev) => events.push({ at: scheduler.now(), ev }),
      complete: () => events.push({ at: scheduler.now(), ev: 'complete' }),
    });
    r = { scheduler, socket, events, messages, sub, at: (t, work) => void scheduler.schedule(work, t) };
    script(r);
    scheduler.flush();
  });
  return r;
}

const kinds = (r: Run) => r.events.map(({ at, ev }) => `${at}:${ev === 'complete' ? 'complete' : ev.type === 'frame' ? `frame ${ev.frame.type}` : ev.type}`);
const downOf = (r: Run) => {
  const d = r.events.find((e) => e.ev !== 'complete' && e.ev.type === 'down');
  return d && d.ev !== 'complete' && d.ev.type === 'down' ? { at: d.at, ...d.ev } : undefined;
};

describe('openLink', () => {
  it('reports the open socket with its handle, and frames other than messages, under its number', () => {
    const r = run((r) => {
      r.socket.open();
      r.at(5, () => r.socket.frame(WELCOME));
      r.at(6, () => r.socket.frame(RESPONSE));
      r.at(7, () => r.sub.unsubscribe());
    });
    expect(r.socket.state.url).toBe('ws://127.0.0.1:1/ws');
    expect(r.events[0]).toEqual({ at: 0, ev: { type: 'open', n: 3, handle: r.socket.handle } });
    expect(r.events[1]).toEqual({ at: 5, ev: { type: 'frame', n: 3, frame: expect.objectContaining({ type: 'welcome', data: expect.objectContaining({ client_id: 'client-1' }) }) } });
    expect(kinds(r)).toEqual(['0:open', '5:frame welcome', '6:frame response']);
    expect(r.socket.state.unsubscribed).toBe(true);
  });

  it('hands messages to onMessage, not to the event stream, and ignores pings', () => {
    const r = run((r) => {
      r.socket.open();
      r.at(1, () => r.socket.frame(WELCOME));
      r.at(2, () => r.socket.ping());
      r.at(3, () => r.socket.frame(message({ amount: 5 })));
      r.at(4, () => r.sub.unsubscribe());
    });
    expect(kinds(r)).toEqual(['0:open', '1:frame welcome']);
    expect(r.messages).toEqual([{ at: 3, n: 3, frame: expect.objectContaining({ type: 'message', topic: 'channel.tips', data: { amount: 5 } }) }]);
  });

  it('reports a frame that does not decode, and delivers nothing of it', () => {
    const r = run((r) => {
      r.socket.open();
      r.at(1, () => r.socket.frame('{not json'));
      r.at(2, () => r.sub.unsubscribe());
    });
    expect(r.events[1]).toEqual({ at: 1, ev: { type: 'decode_failure', n: 3, failure: expect.objectContaining({ _tag: 'InvalidJson' }) } });
    expect(r.messages).toEqual([]);
  });

  it('reports a payload mismatch and still delivers the message', () => {
    const codecs = { 'channel.tips': t.type({ amount: t.number }) };
    const r = run(
      (r) => {
        r.socket.open();
        r.at(1, () => r.socket.frame(WELCOME));
        r.at(2, () => r.socket.frame(message({ amount: 'five' })));
        r.at(3, () => r.socket.frame(message({ amount: 6 })));
        r.at(4, () => r.sub.unsubscribe());
      },
      { decode: { validatePayloads: codecs } },
    );
    expect(kinds(r)).toEqual(['0:open', '1:frame welcome', '2:decode_failure']);
    expect(r.events[2]?.ev).toMatchObject({ n: 3, failure: { _tag: 'PayloadMismatch' } });
    expect(r.messages.map((m) => [m.at, m.n, m.frame.data])).toEqual([
      [2, 3, { amount: 'five' }],
      [3, 3, { amount: 6 }],
    ]);
  });

  it('calls a socket without welcome dead after the welcome timeout, whatever else it sends', () => {
    const r = run((r) => {
      r.socket.open();
      r.at(50, () => r.socket.frame(RESPONSE));
      r.at(60, () => r.socket.ping());
    });
    expect(kinds(r)).toEqual(['0:open', '50:frame response', '100:down', '100:complete']);
    expect(downOf(r)).toMatchObject({ n: 3, lastFrameAt: 50, error: { code: 'timeout', message: 'no welcome within 100 ms' } });
    expect(r.socket.state.unsubscribed).toBe(true);
  });

  it('waits for the welcome without limit when the welcome timeout is 0', () => {
    const r = run(
      (r) => {
        r.socket.open();
        r.at(5000, () => r.socket.frame(WELCOME));
        r.at(6000, () => r.sub.unsubscribe());
      },
      { welcomeTimeoutMs: 0, heartbeatTimeoutMs: 0 },
    );
    expect(kinds(r)).toEqual(['0:open', '5000:frame welcome']);
  });

  it('calls a welcomed socket dead when neither a ping nor a frame came for the heartbeat timeout', () => {
    const r = run((r) => {
      r.socket.open();
      r.at(10, () => r.socket.frame(WELCOME));
      r.at(200, () => r.socket.ping());
      r.at(400, () => r.socket.ping());
    });
    expect(kinds(r)).toEqual(['0:open', '10:frame welcome', '700:down', '700:complete']);
    expect(downOf(r)).toMatchObject({ lastFrameAt: 10, error: { code: 'heartbeat_timeout', message: 'no ping or frame for 300 ms: the link is dead' } });
  });

  it('counts any frame, messages included, as activity for the heartbeat', () => {
    const r = run((r) => {
      r.socket.open();
      r.at(10, () => r.socket.frame(WELCOME));
      r.at(250, () => r.socket.frame(message({ amount: 1 })));
      r.at(500, () => r.socket.frame('{bad'));
    });
    expect(downOf(r)).toMatchObject({ at: 800, lastFrameAt: 500, error: { code: 'heartbeat_timeout' } });
  });

  it('does not time out a welcomed socket on a second welcome', () => {
    const r = run((r) => {
      r.socket.open();
      r.at(10, () => r.socket.frame(WELCOME));
      r.at(20, () => r.socket.frame(WELCOME));
    });
    expect(kinds(r)).toEqual(['0:open', '10:frame welcome', '20:frame welcome', '320:down', '320:complete']);
  });

  it.each([
    ['where pings are not visible', { observesPings: false }],
    ['when the heartbeat is off', { heartbeatTimeoutMs: 0 }],
  ])('never calls a silent welcomed socket dead %s', (_what, over) => {
    const r = run((r) => {
      r.socket.open();
      r.at(10, () => r.socket.frame(WELCOME));
      r.at(100_000, () => r.socket.complete());
    }, over);
    expect(kinds(r)).toEqual(['0:open', '10:frame welcome', '100000:down', '100000:complete']);
    expect(downOf(r)).toMatchObject({ lastFrameAt: 10, error: { code: 'closed', message: 'the socket completed' } });
  });

  it('ends with one down when the socket completes', () => {
    const r = run((r) => {
      r.socket.open();
      r.at(4, () => r.socket.complete());
    });
    expect(kinds(r)).toEqual(['0:open', '4:down', '4:complete']);
    const d = downOf(r);
    expect(d?.error).toBeInstanceOf(AstroError);
    expect(d).toMatchObject({ n: 3, lastFrameAt: undefined, error: { code: 'closed', message: 'the socket completed' } });
  });

  it('passes on the AstroError the socket failed with', () => {
    const error = new AstroError('transport', 'socket closed (code 1006)', { closeCode: 1006 });
    const r = run((r) => {
      r.socket.open();
      r.at(1, () => r.socket.frame(WELCOME));
      r.at(4, () => r.socket.fail(error));
    });
    expect(kinds(r)).toEqual(['0:open', '1:frame welcome', '4:down', '4:complete']);
    expect(downOf(r)).toEqual({ at: 4, type: 'down', n: 3, error, lastFrameAt: 1 });
  });

  it('reports a frame the transport refused to buffer as a decode failure, then the down', () => {
    const failure = frameTooLarge(2049, 1024);
    const error = new AstroError('transport', 'a frame exceeded maxFrameBytes', { closeCode: 1009, failure });
    const r = run((r) => {
      r.socket.open();
      r.at(4, () => r.socket.fail(error));
    });
    expect(kinds(r)).toEqual(['0:open', '4:decode_failure', '4:down', '4:complete']);
    expect(r.events[1]?.ev).toEqual({ type: 'decode_failure', n: 3, failure });
    expect(downOf(r)?.error).toBe(error);
  });

  it('turns any other socket failure into a transport error with a redacted message', () => {
    const cause = new Error('connect failed for wss://astro/?token=s3cr3t-t0k3n-value');
    const r = run((r) => r.at(2, () => r.socket.fail(cause)));
    expect(kinds(r)).toEqual(['2:down', '2:complete']);
    const d = downOf(r);
    expect(d?.error).toBeInstanceOf(AstroError);
    expect(d?.error).toMatchObject({ code: 'transport', message: 'connect failed for wss://astro/?token=[redacted]', details: { cause } });
  });

  it('after its down, reports nothing more, and stops its timer', () => {
    const r = run((r) => {
      r.socket.open();
      r.at(4, () => r.socket.fail(new AstroError('transport', 'x')));
      r.at(5, () => r.socket.frame(WELCOME));
    });
    expect(kinds(r)).toEqual(['0:open', '4:down', '4:complete']);
  });

  it('stops its welcome timer when unsubscribed', () => {
    const r = run((r) => {
      r.socket.open();
      r.at(20, () => r.sub.unsubscribe());
    });
    expect(kinds(r)).toEqual(['0:open']);
    expect(r.socket.state.unsubscribed).toBe(true);
    expect(r.scheduler.now()).toBe(20);
  });
});

describe('toAstroError', () => {
  it('keeps an AstroError as it is', () => {
    const e = new AstroError('closed', 'bye');
    expect(toAstroError(e)).toBe(e);
  });

  it.each([
    ['a string', 'boom'],
    ['undefined', undefined],
    ['a plain object', { message: 'not an Error' }],
  ])('calls %s a transport "socket error", keeping it as the cause', (_what, err) => {
    const e = toAstroError(err);
    expect(e).toBeInstanceOf(AstroError);
    expect(e).toMatchObject({ code: 'transport', message: 'socket error', details: { cause: err } });
  });

  it('keeps the message of an Error, redacted, and the Error as the cause', () => {
    const err = new TypeError('bad url ws://x/?reconnect_token=abcdefgh');
    expect(toAstroError(err)).toMatchObject({ code: 'transport', message: 'bad url ws://x/?reconnect_token=[redacted]', details: { cause: err } });
  });
});
