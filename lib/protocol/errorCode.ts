import { openEnum, OpenEnum } from './openEnum';

/**
 * Error codes the gateway documents, with the retry policy a client should follow:
 *
 * | code | meaning | retry? |
 * | --- | --- | --- |
 * | `err_internal_error` | the server failed | yes, with backoff, a few times |
 * | `err_bad_request` | malformed command, unknown topic, or a server limit | no |
 * | `err_unauthorized` | bad token, or the token lacks the topic's scope | no (not with the same token) |
 * | `err_deadline_exceeded` | the authorization step timed out | yes, with backoff |
 * | `rate_limit_exceeded` | too many commands on this connection (carries no nonce) | yes, after pausing |
 * | `invalid_message_type` | the command `type` was not subscribe/unsubscribe | no (client bug) |
 * | `invalid_message` | legacy spelling of `invalid_message_type` | no |
 *
 * Any other string is kept as it is and treated as not retryable.
 *
 * @category Protocol
 */
export const KNOWN_ERROR_CODES = [
  'err_internal_error',
  'err_bad_request',
  'err_unauthorized',
  'err_deadline_exceeded',
  'rate_limit_exceeded',
  'invalid_message_type',
  'invalid_message',
] as const;

/** @category Protocol */
export type KnownErrorCode = (typeof KNOWN_ERROR_CODES)[number];

/**
 * A protocol error code: one of {@link KNOWN_ERROR_CODES}, or any other string
 * the gateway may add later (preserved, never rejected).
 *
 * @category Protocol
 */
export const ErrorCode = openEnum('ErrorCode', KNOWN_ERROR_CODES);
/** @category Protocol */
export type ErrorCode = OpenEnum<KnownErrorCode>;

const RETRYABLE: ReadonlySet<string> = new Set<KnownErrorCode>([
  'err_internal_error',
  'err_deadline_exceeded',
  'rate_limit_exceeded',
]);

/**
 * Whether a command that failed with `code` may succeed if sent again later.
 * `err_internal_error`, `err_deadline_exceeded` and `rate_limit_exceeded` are
 * retryable; every other code, known or not, is not.
 *
 * @example
 * ```ts
 * import { isRetryableErrorCode } from 'astro-rx/protocol';
 * isRetryableErrorCode('err_deadline_exceeded'); // true
 * isRetryableErrorCode('err_unauthorized'); // false
 * ```
 * @category Protocol
 */
export function isRetryableErrorCode(code: string): boolean {
  return RETRYABLE.has(code);
}

