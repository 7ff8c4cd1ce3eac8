import { AstroError } from '../errors/astroError';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * Checks a gateway URL: `wss://` anywhere, `ws://` only to a loopback host
 * unless `allowInsecure` is set (a token sent in clear text is a stolen token).
 *
 * @internal
 */
export function checkUrl(url: string, allowInsecure = false): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AstroError('invalid_argument', `url is not a valid URL: ${JSON.stringify(url.replace(/[?#].*$/, ''))}`);
  }
  if (parsed.protocol !== 'wss:' && parsed.protocol !== 'ws:') {
    throw new AstroError('invalid_argument', `url must start with wss:// (or ws:// for loopback), got ${parsed.protocol}//`);
  }
  if (parsed.protocol === 'ws:' && !allowInsecure && !LOOPBACK.test(parsed.hostname)) {
    throw new AstroError(
      'insecure_url',
      `refusing unencrypted ws:// to ${parsed.hostname}: tokens would travel in clear text. Use wss://, or set allowInsecure: true`,
    );
  }
  return parsed;
}

/** The URL of a token reconnection: `url` with `reconnect_token` set (URL-encoded). @internal */
export function reconnectUrl(url: string, token: string): string {
  const u = new URL(url);
  u.searchParams.set('reconnect_token', token);
  return u.toString();
}
