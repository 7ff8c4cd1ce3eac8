import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestScheduler } from 'rxjs/testing';
import { WebSocketServer } from 'ws';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { WebSocketCtor } from '../../lib/transport/types';
import { createTestScheduler } from '../helpers/testScheduler';
import { ROOM } from './helpers';

// Reconnecting in browsers, and closing in Node — issue #11, behaviours 9 and 10.

type Listener = (event: never) => void;

/**
 * A browser-like WebSocket on virtual time: event listeners only (no `on`, so no
 * HTTP status and no pings). `script(index, socket)` decides what each socket does.
 */
function browserWebSocket(scheduler: TestScheduler, script: (index: number, socket: FakeSocket) => void) {
  const made: Array<{ at: number; url: string; failedAt?: number }> = [];
  class FakeBrowserWebSocket implements FakeSocket {
    readyState = 0;
    binaryType = 'blob';
    private readonly listeners = new Map<string, Set<Listener>>();
    private readonly record: { at: number; url: string; failedAt?: number };
    constructor(url: string) {
      this.record = { at: scheduler.now(), url };
      made.push(this.record);
      script(made.length - 1, this);
    }
    addEventListener(type: string, listener: Listener) {
      if (!this.listeners.has(type)) this.listeners.set(type, new Set());
      this.listeners.get(type)?.add(listener);
    }
    removeEventListener(type: string, listener: Listener) {
      this.listeners.get(type)?.delete(listener);
    }
    send() {}
    close() {
      this.readyState = 3;
    }
    emit(type: string, event: object) {
      for (const l of [...(this.listeners.get(type) ?? [])]) (l as (e: object) => void)(event);
    }
    open() {
      this.readyState = 1;
      this.emit('open', {});
    }
    fail() {
      // what a browser shows for a refused upgrade (even a 429) or a lost link
      this.readyState = 3;
      this.record.failedAt = scheduler.now();
      this.emit('error', {});
      this.emit('close', { code: 1006, reason: '' });
    }
  }
  return { Ctor: FakeBrowserWebSocket as unknown as WebSocketCtor, made };
}

interface FakeSocket {
  emit(type: string, event: object): void;
  open(): void;
  fail(): void;
}

const welcome = JSON.stringify({ id: '01J5KXYZ000000000000000000', ts: '2026-03-19T12:00:00Z', type: 'welcome', data: { message: 'hi', client_id: 'c' } });

describe('races: reconnecting with a browser WebSocket', () => {
  // socket 0 is welcomed, then lost (1006) at t=100; socket 1 is refused at once (1006); socket 2 stays up
  const run = (options: { reconnectFloorMs?: number } = {}) => {
    const scheduler = createTestScheduler();
    let made: Array<{ at: number; url: string; failedAt?: number }> = [];
    scheduler.run(() => {
      const browser = browserWebSocket(scheduler, (index, socket) => {
        if (index === 1) return void scheduler.schedule(() => socket.fail(), 1);
        scheduler.schedule(() => {
          socket.open();
          socket.emit('message', { data: welcome });
        }, 1);
        if (index === 0) scheduler.schedule(() => socket.fail(), 100);
      });
      made = browser.made;
      const client = createAstroClient({
        url: 'ws://127.0.0.1:1',
        token: 'tok',
        scheduler,
        WebSocketCtor: browser.Ctor,
        random: () => 0.5,
        backoff: { jitter: false, initialDelayMs: 100 },
        ...options,
      });
      client.topic('channel.tips', { room: ROOM }).subscribe({ error: () => undefined });
      scheduler.schedule(() => client.close(), 20_000);
      scheduler.flush();
    });
    // from each failure to the next attempt
    return made.slice(1).map((m, i) => m.at - (made[i]?.failedAt ?? Infinity));
  };

  it('waits at least 2 s after a close 1006 before the next attempt', () => {
    const waits = run();
    expect(waits).toHaveLength(2);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(2000);
  });

  it('honours reconnectFloorMs with a custom WebSocketCtor', () => {
    const waits = run({ reconnectFloorMs: 5000 });
    expect(waits).toHaveLength(2);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(5000);
  });
});

describe('races: close() in a Node process', () => {
  let http: Server;
  let wss: WebSocketServer;
  let url: string;
  let dir: string;

  beforeEach(async () => {
    http = createServer();
    wss = new WebSocketServer({ server: http });
    wss.on('connection', (ws) => {
      ws.send(welcome);
      // a dead link not yet detected: the server stops reading, so it never answers the close frame
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'astro-close-'));
  });

  afterEach(async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    await new Promise((r) => http.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets the process exit within about 1 s when the server stopped answering', async () => {
    const script = join(dir, 'client.ts');
    writeFileSync(
      script,
      `import { createAstroClient } from ${JSON.stringify(resolve(__dirname, '../../lib/client/createAstroClient'))};
const client = createAstroClient({ url: process.argv[2], token: 'tok-0123456789' });
let closing = false;
client.state$.subscribe((s) => {
  if (s.status !== 'open' || closing) return;
  closing = true;
  setTimeout(() => { process.stdout.write('closing\\n'); client.close(); }, 200);
});
client.topic('channel.tips', { room: 'c1' }).subscribe({ error: () => undefined });
`,
    );
    const child = spawn(resolve(__dirname, '../../node_modules/.bin/tsx'), [script, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    const outcome = await new Promise<{ exitedAfterMs?: number }>((done) => {
      let closedAt: number | undefined;
      const limit = setTimeout(() => {
        child.kill('SIGKILL');
        done({});
      }, 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('closing')) closedAt = Date.now();
      });
      child.on('exit', () => {
        clearTimeout(limit);
        done(closedAt === undefined ? {} : { exitedAfterMs: Date.now() - closedAt });
      });
    });
    expect(outcome.exitedAfterMs).toBeLessThan(1500);
  }, 20_000);
});
