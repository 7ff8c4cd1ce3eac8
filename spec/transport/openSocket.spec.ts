import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, take, toArray } from 'rxjs';
import WebSocket, { WebSocketServer } from 'ws';
import { AstroError } from '../../lib/errors/astroError';
import { openSocket, parseRetryAfter } from '../../lib/transport/openSocket';
import type { WebSocketCtor } from '../../lib/transport/types';

const Ctor = WebSocket as unknown as WebSocketCtor;

describe('openSocket over a real ws server', () => {
  let http: Server;
  let wss: WebSocketServer;
  let url: string;
  let closes: number[] = [];

  beforeEach(async () => {
    const mine: number[] = [];
    closes = mine;
    http = createServer();
    wss = new WebSocketServer({ noServer: true });
    http.on('upgrade', (req, socket, head) => {
      if (req.url?.includes('refuse')) {
        socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (req.url?.includes('drain')) {
        socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('close', (code) => mine.push(code));
        ws.on('message', (data) => ws.send(`echo:${data.toString()}`));
        if (req.url?.includes('hangup')) ws.close(4001, 'go away');
        if (req.url?.includes('ping')) ws.ping();
        if (req.url?.includes('binary')) ws.send(Buffer.from([1, 2, 3]));
        // a dead link not yet detected: the server stops reading, so it never answers a close frame
        if (req.url?.includes('stall')) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    await new Promise((r) => http.close(r));
  });

  it('opens, sends text and receives text frames as strings', async () => {
    const types: string[] = [];
    const reply = await new Promise<unknown>((resolve) => {
      const sub = openSocket(Ctor)(`${url}/`).subscribe((e) => {
        types.push(e.type);
        if (e.type === 'open') expect(e.socket.send('hello')).toBe(true);
        if (e.type === 'frame') {
          sub.unsubscribe();
          resolve(e.data);
        }
      });
    });
    expect(types).toEqual(['open', 'frame']);
    expect(reply).toBe('echo:hello');
  });

  it('closes with code 1000 when unsubscribed', async () => {
    await new Promise<void>((resolve) => {
      const sub = openSocket(Ctor)(url).subscribe((e) => {
        if (e.type === 'open') {
          sub.unsubscribe();
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(closes).toEqual([1000]);
  });

  it('reports the status and Retry-After of a refused upgrade', async () => {
    const error = await firstValueFrom(openSocket(Ctor)(`${url}/refuse`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AstroError);
    expect(error).toMatchObject({ code: 'upgrade_refused', details: { status: 429, retryAfterMs: 2000 } });
  });

  it('reports a 502 while the gateway drains', async () => {
    const error = await firstValueFrom(openSocket(Ctor)(`${url}/drain`)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'upgrade_refused', details: { status: 502 } });
  });

  it('errors with the close code and reason when the server closes', async () => {
    const error = await firstValueFrom(openSocket(Ctor)(`${url}/hangup`).pipe(toArray())).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'transport', details: { closeCode: 4001, closeReason: 'go away' } });
  });

  it('reports pings and binary frames', async () => {
    const events = await firstValueFrom(openSocket(Ctor)(`${url}/ping-binary`).pipe(take(3), toArray()));
    expect(events.map((e) => e.type).sort()).toEqual(['frame', 'open', 'ping']);
    const frame = events.find((e) => e.type === 'frame');
    expect(frame && frame.type === 'frame' && typeof frame.data !== 'string').toBe(true);
  });

  it('errors, without throwing, when the host does not answer', async () => {
    const error = await firstValueFrom(openSocket(Ctor)('ws://127.0.0.1:1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AstroError);
    expect((error as AstroError).code).toBe('transport');
  });

  describe('closing promptly', () => {
    /** The `ws` client sockets openSocket created, in order. */
    let sockets: WebSocket[] = [];
    class Tracked extends WebSocket {
      constructor(address: string, options?: WebSocket.ClientOptions) {
        super(address, options);
        sockets.push(this);
      }
    }
    const TrackedCtor = Tracked as unknown as WebSocketCtor;
    beforeEach(() => {
      sockets = [];
    });
    afterEach(() => {
      for (const s of sockets) s.terminate();
    });

    /** Opens a socket to `path`, unsubscribes once it is open, and resolves with the client socket. */
    const openThenUnsubscribe = (path: string, options?: Parameters<typeof openSocket>[1]) =>
      new Promise<{ socket: WebSocket; unsubscribedAt: number }>((resolve, reject) => {
        const sub = openSocket(TrackedCtor, options)(`${url}${path}`).subscribe({
          next: (e) => {
            if (e.type !== 'open') return;
            const socket = sockets[0] as WebSocket;
            // let the server's upgrade callback run (and pause its side) before closing
            setTimeout(() => {
              sub.unsubscribe();
              resolve({ socket, unsubscribedAt: Date.now() });
            }, 20);
          },
          error: reject,
        });
      });

    /** Milliseconds until `socket` emits `close`, or `Infinity` after `limitMs`. */
    const closedWithin = (socket: WebSocket, since: number, limitMs: number) =>
      new Promise<number>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve(Date.now() - since);
        const timer = setTimeout(() => resolve(Infinity), limitMs);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve(Date.now() - since);
        });
      });

    it('terminates a socket whose peer never answers the close frame after 1 s (not ws\'s 30 s)', async () => {
      const { socket, unsubscribedAt } = await openThenUnsubscribe('/stall');
      expect(socket.readyState).toBe(WebSocket.CLOSING);
      const elapsed = await closedWithin(socket, unsubscribedAt, 3000);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(1500);
      expect(socket.readyState).toBe(WebSocket.CLOSED);
    });

    it('takes the close timeout from the options', async () => {
      const { socket, unsubscribedAt } = await openThenUnsubscribe('/stall', { closeTimeoutMs: 100 });
      const elapsed = await closedWithin(socket, unsubscribedAt, 3000);
      expect(elapsed).toBeGreaterThanOrEqual(80);
      expect(elapsed).toBeLessThan(600);
    });

    it('still accepts maxFrameBytes alone or among the options', async () => {
      for (const options of [4096, { maxFrameBytes: 4096, closeTimeoutMs: 100 }]) {
        const { socket, unsubscribedAt } = await openThenUnsubscribe('/stall', options);
        expect(await closedWithin(socket, unsubscribedAt, 3000)).toBeLessThan(typeof options === 'number' ? 1500 : 600);
        sockets = [];
      }
    });

    it('completes a normal closing handshake without terminating', async () => {
      const { socket, unsubscribedAt } = await openThenUnsubscribe('/', { closeTimeoutMs: 200 });
      const terminate = jest.spyOn(socket, 'terminate');
      expect(await closedWithin(socket, unsubscribedAt, 3000)).toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(terminate).not.toHaveBeenCalled();
      expect(closes).toEqual([1000]);
    });
  });

  it.each([
    ['2', 2000],
    ['0', 0],
    [undefined, undefined],
    ['', undefined],
    [['3'], 3000],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10_000],
  ])('parses Retry-After %p', (value, ms) => {
    expect(parseRetryAfter(value as string | undefined, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(ms);
  });
});

/** A browser-like socket: no `on`, no `terminate`; it never finishes closing unless told to. */
class FakeBrowserSocket {
  static instances: FakeBrowserSocket[] = [];
  readyState = 0;
  readonly closes: (number | undefined)[] = [];
  private readonly listeners = new Map<string, Set<(e: never) => void>>();
  constructor(readonly url: string) {
    FakeBrowserSocket.instances.push(this);
  }
  send(): void {}
  close(code?: number): void {
    this.closes.push(code);
    this.readyState = 2;
  }
  addEventListener(type: string, listener: (e: never) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(listener);
  }
  removeEventListener(type: string, listener: (e: never) => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  emit(type: string, event: object): void {
    for (const l of [...(this.listeners.get(type) ?? [])]) (l as (e: object) => void)(event);
  }
  listenerCount(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }
}

describe('openSocket close timeout on other sockets', () => {
  beforeEach(() => {
    FakeBrowserSocket.instances = [];
  });
  afterEach(() => jest.restoreAllMocks());

  const openAndUnsubscribe = (Ctor: WebSocketCtor, closeTimeoutMs: number) => {
    const sub = openSocket(Ctor, { closeTimeoutMs })('ws://example.invalid').subscribe();
    const socket = FakeBrowserSocket.instances[0] as FakeBrowserSocket;
    socket.readyState = 1;
    socket.emit('open', {});
    sub.unsubscribe();
    return socket;
  };

  it('does nothing more than close(1000) when the socket has no terminate (browsers)', async () => {
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    const socket = openAndUnsubscribe(FakeBrowserSocket as unknown as WebSocketCtor, 50);
    expect(socket.closes).toEqual([1000]);
    // no timer: nothing to do when it would fire
    expect(setTimeoutSpy.mock.calls.filter((c) => c[1] === 50)).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.closes).toEqual([1000]);
    expect(socket.readyState).toBe(2);
  });

  it('terminates a socket that has terminate and is not closed when the timeout passes, on a timer that does not hold the process', async () => {
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    class WithTerminate extends FakeBrowserSocket {
      terminated = 0;
      terminate(): void {
        this.terminated++;
        this.readyState = 3;
        this.emit('close', { code: 1006, reason: '' });
      }
    }
    const socket = openAndUnsubscribe(WithTerminate as unknown as WebSocketCtor, 50) as WithTerminate;
    expect(socket.terminated).toBe(0);
    const timers = setTimeoutSpy.mock.results.filter((_, i) => setTimeoutSpy.mock.calls[i]?.[1] === 50).map((r) => r.value as NodeJS.Timeout);
    expect(timers).toHaveLength(1);
    expect(timers[0]?.hasRef()).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.terminated).toBe(1);
    expect(socket.listenerCount('close')).toBe(0);
  });

  it('clears the timer when the socket closes in time', async () => {
    const clearTimeoutSpy = jest.spyOn(global, 'clearTimeout');
    class WithTerminate extends FakeBrowserSocket {
      terminated = 0;
      terminate(): void {
        this.terminated++;
      }
    }
    const socket = openAndUnsubscribe(WithTerminate as unknown as WebSocketCtor, 50) as WithTerminate;
    socket.readyState = 3;
    socket.emit('close', { code: 1000, reason: '' });
    expect(clearTimeoutSpy).toHaveBeenCalled();
    expect(socket.listenerCount('close')).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.terminated).toBe(0);
  });
});
