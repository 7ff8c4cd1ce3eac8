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
