import { WebSocket, type ClientOptions, type RawData } from 'ws';
import type { IncomingMessage } from 'node:http';

/** A server frame as the tests see it (loosely typed on purpose: we check the wire, not our codecs). */
export interface Frame {
  id?: string;
  ts?: string;
  type?: string;
  nonce?: string;
  error?: string;
  topic?: string;
  room?: string;
  data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  [key: string]: unknown;
}

/** One received WebSocket message. */
export interface Received {
  readonly isBinary: boolean;
  readonly raw: Buffer;
  readonly text: string;
  /** The parsed JSON, when the message was JSON text. */
  readonly frame?: Frame;
}

export interface RawClient {
  readonly ws: WebSocket;
  /** Every message received so far, in order. */
  readonly received: Received[];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The next not yet consumed JSON frame matching `predicate`. */
  next(predicate?: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** The next not yet consumed message of any kind. */
  nextRaw(timeoutMs?: number): Promise<Received>;
  /** Sends a JSON value (or a string as it is). */
  send(value: unknown): void;
  /** Sends a command and resolves with the response carrying its nonce. */
  command(value: { nonce: string } & Record<string, unknown>, timeoutMs?: number): Promise<Frame>;
  /** Resolves when no unconsumed message arrives within `ms`; rejects otherwise. */
  expectSilence(ms: number): Promise<void>;
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 2000;
const openClients = new Set<WebSocket>();

/** Opens a raw `ws` connection; resolves on `open` (before the welcome). */
export function connect(url: string, options: ClientOptions = {}): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    openClients.add(ws);
    const received: Received[] = [];
    const queue: Received[] = [];
    const waiters = new Set<() => void>();
    const wake = (): void => {
      for (const w of [...waiters]) w();
    };
    const closed = new Promise<{ code: number; reason: string }>((res) => {
      ws.on('close', (code, reason) => {
        openClients.delete(ws);
        res({ code, reason: reason.toString() });
        wake();
      });
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const raw = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const text = raw.toString('utf8');
      let frame: Frame | undefined;
      if (!isBinary) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) frame = parsed as Frame;
        } catch {
          frame = undefined;
        }
      }
      const item: Received = { isBinary, raw, text, ...(frame ? { frame } : {}) };
      received.push(item);
      queue.push(item);
      wake();
    });

    const take = <T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
      new Promise<T>((res, rej) => {
        const attempt = (): boolean => {
          const found = find();
          if (found !== undefined) {
            finish();
            res(found);
            return true;
          }
          if (ws.readyState === WebSocket.CLOSED) {
            finish();
            rej(new Error(`socket closed while waiting for ${what}; received: ${describe(received)}`));
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          finish();
          rej(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: ${describe(received)}`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        const waiter = (): void => {
          attempt();
        };
        waiters.add(waiter);
        attempt();
      });

    const client: RawClient = {
      ws,
      received,
      closed,
      next(predicate = () => true, timeoutMs = DEFAULT_TIMEOUT_MS) {
        return take(
          () => {
            const i = queue.findIndex((r) => r.frame !== undefined && predicate(r.frame));
            if (i < 0) return undefined;
            const [item] = queue.splice(i, 1);
            return item?.frame;
          },
          'a matching frame',
          timeoutMs,
        );
      },
      nextRaw(timeoutMs = DEFAULT_TIMEOUT_MS) {
        return take(() => queue.shift(), 'a message', timeoutMs);
      },
      send(value) {
        ws.send(typeof value === 'string' ? value : JSON.stringify(value));
      },
      command(value, timeoutMs) {
        const response = client.next((f) => f.type === 'response' && f.nonce === value.nonce, timeoutMs);
        client.send(value);
        return response;
      },
      expectSilence(ms) {
        return new Promise((res, rej) => {
          const before = queue.length;
          setTimeout(() => {
            if (queue.length === before) res();
            else rej(new Error(`expected no message, received: ${describe(queue.slice(before))}`));
          }, ms);
        });
      },
      close() {
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      },
    };
    ws.on('error', () => undefined);
    ws.once('open', () => resolve(client));
    ws.once('error', (e) => reject(e));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      res.resume();
      reject(new Error(`unexpected response ${res.statusCode ?? '?'}`));
    });
  });
}

/** Opens a connection and waits for its welcome frame. */
export async function connectWelcomed(url: string, options: ClientOptions = {}): Promise<{ client: RawClient; welcome: Frame }> {
  const client = await connect(url, options);
  const welcome = await client.next();
  return { client, welcome };
}

/** Attempts an upgrade that is expected to be refused; resolves with the HTTP status and headers. */
export function refusedUpgrade(url: string): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', () => undefined);
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
  });
}

/** Terminates every client these helpers opened (call it in afterEach). */
export function closeAllClients(): void {
  for (const ws of openClients) ws.terminate();
  openClients.clear();
}

/** A subscribe command. */
export function subscribe(nonce: string, topic: string, room: string | undefined, token: string, tokenType?: string): { nonce: string } & Record<string, unknown> {
  return {
    type: 'subscribe',
    nonce,
    data: { topic, ...(room !== undefined ? { room } : {}), token, ...(tokenType !== undefined ? { token_type: tokenType } : {}) },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 5 ms until it holds (or fails after `timeoutMs`). */
export async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

function describe(items: readonly Received[]): string {
  return items.length === 0 ? '(nothing)' : items.map((r) => (r.isBinary ? `<binary ${r.raw.length}>` : r.text.slice(0, 200))).join(' | ');
}
