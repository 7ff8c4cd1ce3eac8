import * as t from 'io-ts';

/**
 * The kinds of credential a `subscribe` command can carry.
 *
 * - `jwt`: the StreamElements account JWT from the dashboard.
 * - `oauth2`: an OAuth2 access token.
 * - `apikey`: the overlay token.
 *
 * Older documentation spelled `oauth2` as `oauth`; {@link normalizeTokenType}
 * maps the legacy spelling.
 *
 * @category Protocol
 */
export const TokenType = t.keyof({ jwt: null, oauth2: null, apikey: null }, 'TokenType');
/** @category Protocol */
export type TokenType = t.TypeOf<typeof TokenType>;

/**
 * Maps a token type as users may write it (any case, legacy `oauth`) to the
 * wire value, or `undefined` when it is not a token type at all.
 *
 * @example
 * ```ts
 * import { normalizeTokenType } from 'astro-rx/protocol';
 * normalizeTokenType('OAuth'); // 'oauth2'
 * ```
 * @category Protocol
 */
export function normalizeTokenType(value: string): TokenType | undefined {
  const lower = value.toLowerCase();
  if (lower === 'oauth') return 'oauth2';
  return TokenType.is(lower) ? lower : undefined;
}
