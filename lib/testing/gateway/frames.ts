/** The `data.message` of `welcome` frames (the documented flavour text). @category Testing */
export const WELCOME_MESSAGE = 'You are in a maze of dank memes, all alike.';
/** The `data.message` of `reconnect` frames. @category Testing */
export const RECONNECT_MESSAGE = 'The server is shutting down.';
/** The `data.message` of a `rate_limit_exceeded` response. @category Testing */
export const RATE_LIMIT_MESSAGE = 'rate limit exceeded, slow down';

/** The `id` and `ts` every server frame but `reconnect` carries (§6, A4). @category Testing */
export interface Stamp {
  readonly id: string;
  readonly ts: string;
}

/** RFC 3339, UTC, second precision (as in every documented example). @category Testing */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A `welcome` frame (§3). @category Testing */
export function welcomeFrame(stamp: Stamp, clientId: string): string {
  return JSON.stringify({ ...stamp, type: 'welcome', data: { message: WELCOME_MESSAGE, client_id: clientId } });
}

/**
 * A `response` frame (§7): the nonce when given, `error` when failed, and
 * `data` (a string becomes `{ message }`).
 *
 * @category Testing
 */
export function responseFrame(stamp: Stamp, nonce: string | undefined, error: string | undefined, data: string | object): string {
  return JSON.stringify({
    ...stamp,
    type: 'response',
    ...(nonce !== undefined ? { nonce } : {}),
    ...(error !== undefined ? { error } : {}),
    data: typeof data === 'string' ? { message: data } : data,
  });
}

/** The nonce-less `rate_limit_exceeded` response (§9). @category Testing */
export function rateLimitFrame(stamp: Stamp): string {
  return responseFrame(stamp, undefined, 'rate_limit_exceeded', RATE_LIMIT_MESSAGE);
}

/** A `message` frame (§6); `undefined` data is sent as `null`. @category Testing */
export function messageFrame(stamp: Stamp, topic: string, room: string, data: unknown): string {
  return JSON.stringify({ ...stamp, type: 'message', topic, room, data: data === undefined ? null : data });
}

/** A `reconnect` frame, shaped like `fixtures/reconnect.json` (no `id`, no `ts`) unless a stamp is given. @category Testing */
export function reconnectFrame(token: string, stamp?: Stamp): string {
  return JSON.stringify({ ...stamp, type: 'reconnect', data: { message: RECONNECT_MESSAGE, reconnect_token: token } });
}
