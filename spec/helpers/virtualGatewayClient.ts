import type { SchedulerLike, Subscription } from 'rxjs';
import { AstroError } from '../../lib/errors/astroError';
import type { SocketHandle } from '../../lib/transport/types';
import type { VirtualGateway } from '../../lib/testing/virtualGateway';

/** A parsed server frame, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = { type?: string; nonce?: string; error?: string; id?: string; data?: any; [key: string]: unknown };

/** What one raw socket to a virtual gateway saw, with virtual times. */
export interface RawVirtualSocket {
  readonly log: Array<{ at: number; kind: 'open' | 'frame' | 'ping' | 'error'; frame?: Frame; raw?: unknown; error?: AstroError }>;
  /** The parsed frames, in order. */
  frames(): Frame[];
  /** Responses, in arrival order. */
  responses(): Frame[];
  send(command: object | string): boolean;
  close(): void;
  readonly error: AstroError | undefined;
  readonly opened: boolean;
}

/** Opens one socket on `gw` and records everything it emits (no client logic at all). */
export function rawSocket(gw: VirtualGateway, scheduler: SchedulerLike, url = 'wss://astro.test/'): RawVirtualSocket {
  const log: RawVirtualSocket['log'] = [];
  let socket: SocketHandle | undefined;
  let error: AstroError | undefined;
  const subscription: Subscription = gw.openSocket(url).subscribe({
    next: (e) => {
      const at = scheduler.now();
      if (e.type === 'open') socket = e.socket;
      if (e.type === 'frame') log.push({ at, kind: 'frame', raw: e.data, frame: parse(e.data) });
      else log.push({ at, kind: e.type });
    },
    error: (e: AstroError) => {
      error = e;
      log.push({ at: scheduler.now(), kind: 'error', error: e });
    },
  });
  const frames = () => log.filter((l) => l.kind === 'frame' && l.frame).map((l) => l.frame as Frame);
  return {
    log,
    frames,
    responses: () => frames().filter((f) => f.type === 'response'),
    send: (command) => {
      if (!socket) throw new Error('not open yet');
      return socket.send(typeof command === 'string' ? command : JSON.stringify(command));
    },
    close: () => subscription.unsubscribe(),
    get error() {
      return error;
    },
    get opened() {
      return socket !== undefined;
    },
  };
}

/** A subscribe command. */
export function sub(nonce: string, topic: string, room?: string, token = 'tok', tokenType = 'jwt'): object {
  return { type: 'subscribe', nonce, data: { topic, ...(room !== undefined ? { room } : {}), token, token_type: tokenType } };
}

/** An unsubscribe command (no token, as PROTOCOL.md A7 recommends). */
export function unsub(nonce: string, topic: string, room?: string): object {
  return { type: 'unsubscribe', nonce, data: { topic, ...(room !== undefined ? { room } : {}) } };
}

/** The URL of a token reconnect. */
export function reconnectUrl(token: string, base = 'wss://astro.test/'): string {
  return `${base}?reconnect_token=${encodeURIComponent(token)}`;
}

function parse(data: unknown): Frame | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Frame) : undefined;
  } catch {
    return undefined;
  }
}

/** `AstroError` is re-exported for instanceof checks in specs. */
export { AstroError };
