import { isRetryableErrorCode } from '../protocol/errorCode';

const CLIENT_RETRYABLE: ReadonlySet<string> = new Set([
  'timeout',
  'upgrade_refused',
  'heartbeat_timeout',
  'transport',
  'closed',
]);

/**
 * The one place where failures are classified: whether an operation that failed
 * with this error may succeed if attempted again later. Every retry decision of
 * the client (reconnecting, re-sending a command) asks this function.
 *
 * Retryable: the gateway's `err_internal_error`, `err_deadline_exceeded` and
 * `rate_limit_exceeded`; and the client's `timeout`, `upgrade_refused` (429, 502),
 * `heartbeat_timeout`, `transport` and `closed`.
 * Fatal: `err_unauthorized`, `err_bad_request`, `invalid_message_type`
 * (`invalid_message`), any unknown gateway code, `decode`, `invalid_argument`,
 * `insecure_url`, `buffer_overflow`.
 *
 * @example
 * ```ts
 * import { isRetryable } from 'astro-rx/protocol';
 * isRetryable({ code: 'err_deadline_exceeded' }); // true
 * isRetryable({ code: 'err_unauthorized' }); // false
 * ```
 * @category Policies
 */
export function isRetryable(error: { readonly code: string }): boolean {
  return CLIENT_RETRYABLE.has(error.code) || isRetryableErrorCode(error.code);
}
