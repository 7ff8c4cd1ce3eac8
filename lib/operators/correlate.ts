import { Observable, OperatorFunction, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { AstroError } from '../errors/astroError';
import { redact } from '../errors/redact';
import type { ClientCommand } from '../protocol/commands';
import { ResponseFrame, responseMessage } from '../protocol/frames';
import { assertNumber, assertScheduler, describeValue } from '../policies/assertConfig';
import { commandDetails, describeCommand } from '../policies/describeCommand';

/**
 * What {@link correlate} is told:
 *
 * - `sent`: a command went on the wire with `nonce`; its response is awaited.
 * - `response`: a `response` frame arrived.
 * - `reset`: the socket is gone; every awaited command fails with `'closed'`.
 *
 * @category Operators
 */
export type CorrelateInput =
  | { readonly type: 'sent'; readonly nonce: string; readonly command: ClientCommand }
  | { readonly type: 'response'; readonly frame: ResponseFrame }
  | { readonly type: 'reset' };

/**
 * What {@link correlate} decides:
 *
 * - `answered`: the command succeeded; `response` is the gateway's answer.
 * - `failed`: it failed; `error` is an {@link AstroError} with the gateway's
 *   code, or `'timeout'`, or `'closed'`.
 * - `unmatched`: a response nobody awaits (unknown nonce, a late answer, or no
 *   nonce with nothing pending).
 *
 * @category Operators
 */
export type CorrelateOutput =
  | { readonly type: 'answered'; readonly nonce: string; readonly command: ClientCommand; readonly response: ResponseFrame }
  | { readonly type: 'failed'; readonly nonce: string; readonly command: ClientCommand; readonly error: AstroError }
  | { readonly type: 'unmatched'; readonly frame: ResponseFrame };

/** Options of {@link correlate}. @category Operators */
export interface CorrelateConfig {
  /**
   * How long to wait for a response after `sent`, in milliseconds (`Infinity`:
   * forever).
   * @defaultValue 10000
   */
  requestTimeoutMs?: number;
  /**
   * Where the timeouts run.
   * @defaultValue asyncScheduler
   */
  scheduler?: SchedulerLike;
}

interface Pending {
  readonly nonce: string;
  readonly command: ClientCommand;
  timer?: Subscription;
}

/**
 * Matches responses to the commands that were sent, by nonce: turns a stream
 * of `sent` / `response` / `reset` events into one outcome per command
 * (`answered` or `failed`), plus `unmatched` for stray responses.
 *
 * <span class="informal">The in-flight table of a connection, including the
 * gateway's nonce-less `rate_limit_exceeded`.</span>
 *
 * Each subscription keeps its own table of pending commands, in send order. A
 * response with a nonce settles that entry: `answered` without `error`, else
 * `failed` with an {@link AstroError} carrying the gateway's code, a message
 * naming the command and the server's text, and `details` `{ topic, room,
 * nonce, serverMessage }`. A response **without** a nonce (the gateway's
 * `rate_limit_exceeded` never carries one) settles the **oldest** pending
 * entry, because the gateway answers in order. No response within
 * `requestTimeoutMs` of `sent` fails the entry with `'timeout'`, at exactly
 * that time. `reset` fails every pending entry with `'closed'`, oldest first;
 * so does the completion of the input, after which the output completes. A
 * nonce sent again while pending fails the earlier entry with
 * `'invalid_argument'`. An input error is passed on. Messages never contain a
 * token. Settling an entry, and unsubscribing, clear its timer. Timeouts run
 * on `scheduler`.
 *
 * ```text
 * input:   s--x--r--      s: sent n1; x: response n9; r: response n1
 * output:  ---U--A--      U: unmatched x; A: answered n1
 *
 * input:   s--------      requestTimeoutMs 5
 * output:  -----F---      F: failed n1, AstroError('timeout')
 *
 * input:   (st)-l---      s: sent n1; t: sent n2; l: response rate_limit_exceeded, no nonce
 * output:  ----F----      F: failed n1, AstroError('rate_limit_exceeded')
 * ```
 *
 * @example Track the commands of a socket
 * ```ts
 * import { correlate, type CorrelateInput } from 'astro-rx';
 * import { Subject } from 'rxjs';
 * const events = new Subject<CorrelateInput>();
 * events.pipe(correlate({ requestTimeoutMs: 5000 })).subscribe((out) => {
 *   if (out.type === 'answered') console.log('ok', out.nonce);
 *   if (out.type === 'failed') console.log('failed', out.nonce, out.error.code);
 * });
 * events.next({ type: 'sent', nonce: 'n1', command });
 * events.next({ type: 'response', frame: { type: 'response', nonce: 'n1', data: { message: 'ok' } } });
 * // Output: ok n1
 * ```
 * @param config Timeout and scheduler.
 * @returns An operator from socket events to command outcomes.
 * @throws TypeError at creation when an option is out of range.
 * @see {@link request} for a single request/response.
 * @category Operators
 */
export function correlate(config: CorrelateConfig = {}): OperatorFunction<CorrelateInput, CorrelateOutput> {
  const owner = 'correlate';
  const { requestTimeoutMs = 10000, scheduler = asyncScheduler } = config;
  assertNumber(owner, 'requestTimeoutMs', requestTimeoutMs, { above: 0, allowInfinity: true });
  assertScheduler(owner, 'scheduler', scheduler);

  return (source) =>
    new Observable<CorrelateOutput>((subscriber) => {
      const pending = new Map<string, Pending>();

      const settle = (entry: Pending): void => {
        pending.delete(entry.nonce);
        entry.timer?.unsubscribe();
      };

      const fail = (entry: Pending, error: AstroError): void => {
        settle(entry);
        subscriber.next({ type: 'failed', nonce: entry.nonce, command: entry.command, error });
      };

      const failAll = (why: string): void => {
        const entries = [...pending.values()];
        for (const entry of entries) {
          fail(entry, new AstroError('closed', `${describeCommand(entry.command)} was not answered: ${why}`, details(entry)));
        }
      };

      const sent = (nonce: string, command: ClientCommand): void => {
        const previous = pending.get(nonce);
        if (previous !== undefined) {
          const message = `nonce ${nonce} was sent again before ${describeCommand(previous.command)} was answered`;
          fail(previous, new AstroError('invalid_argument', message, details(previous)));
        }
        const entry: Pending = { nonce, command };
        pending.set(nonce, entry);
        if (requestTimeoutMs !== Infinity) {
          entry.timer = scheduler.schedule(() => {
            if (pending.get(nonce) !== entry) return;
            const message = `${describeCommand(command)} got no response within ${requestTimeoutMs} ms`;
            fail(entry, new AstroError('timeout', message, details(entry)));
          }, requestTimeoutMs);
        }
      };

      const response = (frame: ResponseFrame): void => {
        // Only errors come without a nonce (the gateway's rate_limit_exceeded): a nonce-less
        // success confirms nothing, since it cannot say which command it answers.
        const entry =
          frame.nonce !== undefined ? pending.get(frame.nonce) : frame.error !== undefined ? pending.values().next().value : undefined;
        if (entry === undefined) {
          subscriber.next({ type: 'unmatched', frame });
          return;
        }
        if (frame.error === undefined) {
          settle(entry);
          subscriber.next({ type: 'answered', nonce: entry.nonce, command: entry.command, response: frame });
          return;
        }
        fail(entry, responseError(entry, frame));
      };

      const upstream = source.subscribe({
        next: (input) => {
          switch (input.type) {
            case 'sent':
              return sent(input.nonce, input.command);
            case 'response':
              return response(input.frame);
            case 'reset':
              return failAll('the connection was reset');
            default:
              return subscriber.error(new TypeError(`${owner}: unknown input ${describeValue(input)}`));
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          failAll('the response stream ended');
          subscriber.complete();
        },
      });

      return () => {
        upstream.unsubscribe();
        for (const entry of pending.values()) entry.timer?.unsubscribe();
        pending.clear();
      };
    });
}

function details(entry: Pending): ReturnType<typeof commandDetails> {
  return { ...commandDetails(entry.command), nonce: entry.nonce };
}

function responseError(entry: Pending, frame: ResponseFrame): AstroError {
  const code = frame.error ?? 'err_internal_error';
  const secrets = entry.command.type === 'subscribe' ? [entry.command.data.token] : [];
  const text = responseMessage(frame);
  const serverMessage = text === undefined ? undefined : redact(text, secrets);
  const message = `${describeCommand(entry.command)} failed with ${code}${serverMessage ? `: ${serverMessage}` : ''}`;
  return new AstroError(code, message, { ...details(entry), ...(serverMessage !== undefined ? { serverMessage } : {}) });
}
