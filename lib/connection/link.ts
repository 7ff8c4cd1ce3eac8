import { Observable, SchedulerLike } from 'rxjs';
import * as E from 'fp-ts/Either';
import { AstroError } from '../errors/astroError';
import { redact } from '../errors/redact';
import { DecodeConfig, decodeFrame } from '../protocol/decode';
import type { DecodeFailure } from '../protocol/decodeFailure';
import type { MessageFrame, ServerFrame } from '../protocol/frames';
import type { OpenSocket, SocketHandle } from '../transport/types';

/** What one socket reports to the connection. Messages go to `onMessage` instead (the hot path). @internal */
export type LinkEvent =
  | { readonly type: 'open'; readonly n: number; readonly handle: SocketHandle }
  | { readonly type: 'frame'; readonly n: number; readonly frame: Exclude<ServerFrame, MessageFrame> }
  | { readonly type: 'decode_failure'; readonly n: number; readonly failure: DecodeFailure }
  | { readonly type: 'down'; readonly n: number; readonly error: AstroError; readonly lastFrameAt: number | undefined };

/** @internal */
export interface LinkConfig {
  readonly openSocket: OpenSocket;
  readonly scheduler: SchedulerLike;
  readonly decode: DecodeConfig;
  /** No welcome within this long: the link is dead. */
  readonly welcomeTimeoutMs: number;
  /** Where pings are visible: no ping and no frame for this long means the link is dead (`0`: off). */
  readonly heartbeatTimeoutMs: number;
  readonly onMessage: (frame: MessageFrame, n: number) => void;
}

/**
 * One socket as a cold Observable of {@link LinkEvent}s: it never errors; a
 * close, a refused upgrade, a missing welcome or a silent link end in one `down`
 * event (with the time of the last frame), then completion. The welcome timeout
 * and the heartbeat are one deadline on the scheduler, moved by activity and
 * checked by a single timer, so frames cost no timer work.
 *
 * @internal
 */
export function openLink(n: number, url: string, config: LinkConfig): Observable<LinkEvent> {
  const { scheduler } = config;
  return new Observable<LinkEvent>((out) => {
    let lastFrameAt: number | undefined;
    let lastActivity = scheduler.now();
    let welcomed = false;
    let pings = false;
    const down = (error: AstroError) => {
      // (called once: the Observable ends here, and its teardown stops the timer and the socket)
      timer.unsubscribe();
      out.next({ type: 'down', n, error, lastFrameAt });
      out.complete();
    };
    // After the welcome the timer runs only where pings are visible.
    const limit = () => (welcomed ? config.heartbeatTimeoutMs : config.welcomeTimeoutMs);
    const arm = (delay: number) =>
      scheduler.schedule(() => {
        const ms = limit();
        if (ms <= 0) return;
        const idle = scheduler.now() - (welcomed ? lastActivity : openedAt);
        if (idle < ms) {
          timer = arm(ms - idle);
          return;
        }
        if (welcomed) down(new AstroError('heartbeat_timeout', `no ping or frame for ${idle} ms: the link is dead`));
        else down(new AstroError('timeout', `no welcome within ${ms} ms`));
      }, delay);
    const openedAt = scheduler.now();
    let timer = arm(config.welcomeTimeoutMs);
    const socket = config.openSocket(url).subscribe({
      next: (ev) => {
        lastActivity = scheduler.now();
        if (ev.type === 'ping') return;
        if (ev.type === 'open') {
          pings = ev.socket.observesPings;
          return out.next({ type: 'open', n, handle: ev.socket });
        }
        lastFrameAt = lastActivity;
        const decoded = decodeFrame(ev.data, config.decode);
        if (E.isLeft(decoded)) {
          out.next({ type: 'decode_failure', n, failure: decoded.left });
          // A payload mismatch keeps its envelope: the message is still delivered.
          if (decoded.left._tag === 'PayloadMismatch') config.onMessage(decoded.left.frame, n);
          return;
        }
        const frame = decoded.right;
        if (frame.type === 'message') return config.onMessage(frame, n);
        if (frame.type === 'welcome' && !welcomed) {
          welcomed = true;
          timer.unsubscribe();
          if (pings) timer = arm(config.heartbeatTimeoutMs);
        }
        out.next({ type: 'frame', n, frame });
      },
      error: (err: unknown) => {
        const error = toAstroError(err);
        // a frame the transport refused to buffer is a decode failure too
        if (error.details.failure && !out.closed) out.next({ type: 'decode_failure', n, failure: error.details.failure });
        down(error);
      },
      complete: () => down(new AstroError('closed', 'the socket completed')),
    });
    return () => {
      timer.unsubscribe();
      socket.unsubscribe();
    };
  });
}

/** Any transport failure as an {@link AstroError} (messages redacted). @internal */
export function toAstroError(err: unknown): AstroError {
  if (err instanceof AstroError) return err;
  return new AstroError('transport', err instanceof Error ? redact(err.message) : 'socket error', { cause: err });
}
