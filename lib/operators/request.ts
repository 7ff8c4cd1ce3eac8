import { EMPTY, Observable, SchedulerLike, concat, defer, filter, map, merge, mergeMap, of, take, throwError } from 'rxjs';
import type { ClientCommand } from '../protocol/commands';
import { withNonce } from '../protocol/commands';
import type { ResponseFrame, ServerFrame } from '../protocol/frames';
import { assertFunction } from '../policies/assertConfig';
import { defaultNonce } from '../policies/nonce';
import { CorrelateInput, CorrelateOutput, correlate } from './correlate';

type Settled = Exclude<CorrelateOutput, { readonly type: 'unmatched' }>;

/** Options of {@link request}. @category Operators */
export interface RequestConfig {
  /** Puts the command on the wire (e.g. `(c) => socket.send(encodeCommand(c))`). Called once per subscription. */
  send: (command: ClientCommand) => void;
  /**
   * Makes the nonce of each subscription's command.
   * @defaultValue {@link defaultNonce}
   */
  nonce?: () => string;
  /**
   * How long to wait for the response, in milliseconds.
   * @defaultValue 10000
   */
  requestTimeoutMs?: number;
  /**
   * Where the timeout runs.
   * @defaultValue asyncScheduler
   */
  scheduler?: SchedulerLike;
}

/**
 * Sends one command and emits its response: a cold Observable over the
 * connection's incoming `frames`, built on {@link correlate}.
 *
 * <span class="informal">Subscribe first, send second: a gateway (or fake)
 * that answers synchronously is never missed.</span>
 *
 * Each subscription makes a fresh nonce, starts listening to `frames`, and
 * only then calls `send(withNonce(command, nonce))`. It emits the response
 * with that nonce and completes. A response without a nonce (the gateway's
 * `rate_limit_exceeded`) is taken as this request's answer while it waits. An
 * error response errors with an {@link AstroError} carrying the gateway's
 * code; no response within `requestTimeoutMs` errors with `'timeout'`; the end
 * of `frames` errors with `'closed'`; an error of `frames`, or thrown by
 * `send`, is passed on. Unsubscribing early stops listening and clears the
 * timer (no unsubscribe command is sent). The timeout runs on `scheduler`.
 *
 * ```text
 * frames:   --m--x--r--     m: message; x: response n9; r: response n1
 * request:  --------(r|)    sent with nonce n1 on subscribe
 *
 * frames:   -----------     requestTimeoutMs 5
 * request:  -----#          AstroError('timeout')
 * ```
 *
 * @example Subscribe to a topic and read the canonical room
 * ```ts
 * import { request, subscribeCommand, encodeCommand, responseRoom } from 'astro-rx';
 * request(frames$, subscribeCommand({ topic: 'channel.tips', room: 'abc', token }), {
 *   send: (command) => socket.send(encodeCommand(command)),
 * }).subscribe({
 *   next: (response) => console.log('subscribed in', responseRoom(response)),
 *   error: (e) => console.log('failed', e.code),
 * });
 * // Output: subscribed in abc
 * ```
 * @param frames The decoded frames of the connection (hot: a socket's frames).
 * @param command The command to send; its own `nonce`, if any, is replaced.
 * @param config The `send` function, nonce factory, timeout and scheduler.
 * @returns A cold Observable of the one response.
 * @throws TypeError at call time when an option is out of range.
 * @see {@link correlate}
 * @category Operators
 */
export function request(frames: Observable<ServerFrame>, command: ClientCommand, config: RequestConfig): Observable<ResponseFrame> {
  const { send, nonce: makeNonce = defaultNonce, requestTimeoutMs, scheduler } = config;
  assertFunction('request', 'send', send);
  assertFunction('request', 'nonce', makeNonce);
  const matching = correlate({
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    ...(scheduler !== undefined ? { scheduler } : {}),
  });

  return defer(() => {
    const nonce = makeNonce();
    const sent = withNonce(command, nonce);
    const responses$ = frames.pipe(
      filter((frame): frame is ResponseFrame => frame.type === 'response'),
      map((frame): CorrelateInput => ({ type: 'response', frame })),
    );
    // Listen first; record the command as pending; then put it on the wire.
    const sending$ = concat(
      of<CorrelateInput>({ type: 'sent', nonce, command: sent }),
      defer(() => {
        send(sent);
        return EMPTY;
      }),
    );
    return merge(responses$, sending$).pipe(
      matching,
      filter((out): out is Settled => out.type !== 'unmatched' && out.nonce === nonce),
      take(1),
      mergeMap((out) => (out.type === 'answered' ? of(out.response) : throwError(() => out.error))),
    );
  });
}
