import { Observable } from 'rxjs';
import { AstroError } from '../errors/astroError';
import { redact } from '../errors/redact';
import type { RawFrame } from '../protocol/decode';
import { frameTooLarge } from '../protocol/decodeFailure';
import type { OpenSocketOptions, SocketEvent, WebSocketCtor, WebSocketLike } from './types';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

/** How long the closing handshake may take after unsubscribing before the socket is terminated. */
const DEFAULT_CLOSE_TIMEOUT_MS = 1000;

/** Extra events of the `ws` package's WebSocket, which browsers hide. */
interface NodeWebSocket extends WebSocketLike {
  on(event: 'unexpected-response', listener: (req: { destroy(): void }, res: { statusCode?: number; headers: Record<string, string | string[] | undefined> }) => void): void;
  on(event: 'ping', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  removeAllListeners(event?: string): void;
  terminate?(): void;
}

const isNodeWebSocket = (ws: WebSocketLike): ws is NodeWebSocket => typeof (ws as Partial<NodeWebSocket>).on === 'function';

/**
 * Parses an HTTP `Retry-After` header (seconds or an HTTP date) to milliseconds.
 *
 * @internal
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Wraps a WebSocket in a cold Observable: each subscription opens its own
 * socket; unsubscribing closes it with code 1000. Text frames are emitted as
 * strings, binary frames as their bytes (the decoder reports and ignores them).
 *
 * Closing is prompt: a socket whose closing handshake has not finished
 * `closeTimeoutMs` (1 s) after unsubscribing is terminated where the runtime
 * allows it (`ws`), so a dead link does not keep a Node process alive for
 * `ws`'s 30 s close timeout.
 *
 * In Node (the `ws` package) it also reports what browsers hide: the HTTP
 * status and `Retry-After` of a refused upgrade, and ping frames.
 *
 * @param WebSocketCtor The WebSocket implementation.
 * @param options {@link OpenSocketOptions}, or (as before) just `maxFrameBytes`: with `ws`, frames over this
 *   size close the socket (1009) instead of being buffered.
 * @example Logging every socket event
 * ```ts
 * import { createAstroClient, openSocket } from 'astro-rx';
 * import { tap } from 'rxjs';
 * const transport = openSocket(globalThis.WebSocket);
 * const client = createAstroClient({
 *   token,
 *   // log every socket event, then hand it to the client
 *   openSocket: (url) => transport(url).pipe(tap((e) => console.debug('socket', e.type))),
 * });
 * ```
 * @category Transport
 */
export function openSocket(WebSocketCtor: WebSocketCtor, options?: number | OpenSocketOptions) {
  const { maxFrameBytes, closeTimeoutMs = DEFAULT_CLOSE_TIMEOUT_MS } = typeof options === 'number' ? { maxFrameBytes: options } : (options ?? {});
  return (url: string): Observable<SocketEvent> =>
    new Observable<SocketEvent>((subscriber) => {
      let ws: WebSocketLike;
      try {
        ws = maxFrameBytes !== undefined && isWsPackage(WebSocketCtor)
          ? new (WebSocketCtor as unknown as new (u: string, o: object) => WebSocketLike)(url, WS_OPTIONS(maxFrameBytes))
          : new WebSocketCtor(url);
      } catch (e) {
        subscriber.error(new AstroError('transport', `cannot open a WebSocket to ${redact(url)}: ${e instanceof Error ? redact(e.message) : 'error'}`, { cause: e }));
        return;
      }
      let refused: AstroError | undefined;
      let socketError: (Error & { code?: string }) | undefined;
      let closedByUs = false;
      const nodeWs = isNodeWebSocket(ws) ? ws : undefined;
      const node = nodeWs !== undefined;
      if (ws.binaryType !== undefined && !node) ws.binaryType = 'arraybuffer';

      const handle = {
        observesPings: node,
        send(text: string): boolean {
          if (ws.readyState !== OPEN) return false;
          ws.send(text);
          return true;
        },
      };

      const onOpen = () => subscriber.next({ type: 'open', socket: handle });
      const onMessage = (event: { data: unknown }) => subscriber.next({ type: 'frame', data: event.data as RawFrame });
      const onClose = (event: { code: number; reason: string }) => {
        if (closedByUs) return;
        if (refused) subscriber.error(refused);
        else if (socketError?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
          subscriber.error(
            new AstroError('transport', `a frame exceeded maxFrameBytes (${maxFrameBytes} bytes): the socket was closed (1009) rather than buffer it`, {
              closeCode: 1009,
              // ws does not say how large the frame was: at least what it refused
              ...(maxFrameBytes !== undefined ? { failure: frameTooLarge(maxFrameBytes + 1025, maxFrameBytes) } : {}),
            }),
          );
        else
          subscriber.error(
            new AstroError('transport', `socket closed (code ${event.code}${event.reason ? `, ${redact(event.reason)}` : ''})`, {
              closeCode: event.code,
              closeReason: redact(event.reason ?? ''),
            }),
          );
      };
      // Browsers follow every 'error' with a 'close'; the close carries the information.
      const onError = () => undefined;

      ws.addEventListener('open', onOpen);
      ws.addEventListener('close', onClose as (e: never) => void);
      ws.addEventListener('error', onError);
      if (nodeWs) {
        nodeWs.on('error', (err: Error) => {
          socketError = err;
        });
        nodeWs.on('ping', () => subscriber.next({ type: 'ping' }));
        nodeWs.on('message', (data, isBinary) => {
          subscriber.next({ type: 'frame', data: isBinary ? (data as RawFrame) : data.toString() });
        });
        nodeWs.on('unexpected-response', (req, res) => {
          const status = res.statusCode ?? 0;
          const retryAfterMs = parseRetryAfter(res.headers['retry-after'], Date.now());
          refused = new AstroError('upgrade_refused', `the gateway refused the WebSocket upgrade with HTTP ${status}`, {
            status,
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          });
          req.destroy();
          subscriber.error(refused);
        });
      } else {
        ws.addEventListener('message', onMessage as (e: never) => void);
      }

      return () => {
        closedByUs = true;
        ws.removeEventListener('open', onOpen);
        ws.removeEventListener('close', onClose as (e: never) => void);
        ws.removeEventListener('message', onMessage as (e: never) => void);
        if (nodeWs) {
          nodeWs.removeAllListeners('message');
          nodeWs.removeAllListeners('ping');
          nodeWs.removeAllListeners('unexpected-response');
          // keep one no-op error listener: a late socket error must not crash the process
        }
        try {
          if (ws.readyState === OPEN || ws.readyState === CONNECTING) ws.close(1000);
        } catch {
          // closing a socket that is still connecting can throw in some runtimes
          terminate(ws);
        }
        if (ws.readyState !== CLOSED) terminateUnlessClosed(ws, closeTimeoutMs);
      };
    });
}

/**
 * The `ws` package's options. `skipUTF8Validation`: `ws` checks that every text
 * frame is valid UTF-8 before handing it over (~3 % of a client's CPU per
 * frame); the client parses the text as JSON anyway, and `Buffer.toString()`
 * turns an invalid sequence into U+FFFD, so a bad frame is at worst a decode
 * failure or a replacement character in a string, never a crash. (The RFC would
 * close the connection with 1007; the gateway sends JSON it encoded itself.)
 * `perMessageDeflate` keeps `ws`'s default (offered): a gateway that accepts it
 * trades client CPU (inflate) for bandwidth; see docs/PERFORMANCE.md.
 */
const WS_OPTIONS = (maxFrameBytes: number) => ({ maxPayload: maxFrameBytes + 1024, skipUTF8Validation: true });

/** `ws`'s `terminate()` (destroys the TCP socket at once), where the socket has one. Never throws. */
function terminate(ws: WebSocketLike): void {
  try {
    (ws as NodeWebSocket).terminate?.();
  } catch {
    // already gone
  }
}

/**
 * Terminates `ws` if it has not reached CLOSED within `timeoutMs`. The timer is
 * cleared by the socket's `close` event, and unref'd: it never holds a process
 * by itself (the socket does, until it closes).
 */
function terminateUnlessClosed(ws: WebSocketLike, timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || typeof (ws as NodeWebSocket).terminate !== 'function') return;
  const onClosed = () => {
    clearTimeout(timer);
    ws.removeEventListener('close', onClosed);
  };
  const timer = setTimeout(() => {
    ws.removeEventListener('close', onClosed);
    if (ws.readyState !== CLOSED) terminate(ws);
  }, Math.max(0, timeoutMs));
  (timer as { unref?: () => void }).unref?.();
  ws.addEventListener('close', onClosed);
}

function isWsPackage(ctor: WebSocketCtor): boolean {
  // the `ws` package's class exposes `createWebSocketStream` on the module, and `CONNECTING` etc. on the class,
  // as browsers do; what tells it apart is its prototype `on` method.
  return typeof (ctor.prototype as { on?: unknown } | undefined)?.on === 'function';
}
