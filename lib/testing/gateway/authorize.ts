import { topicScope } from '../../protocol/topics';
import type { Authorize, RoomAliases } from './types';

/** One token of {@link tableAuthorizer}: its channel (`'*'`: every room) and scopes (`'*'`: every topic). @category Testing */
export interface TokenGrant {
  readonly channel: string;
  readonly scopes: readonly string[] | '*';
}

/** Options of {@link tableAuthorizer}. @category Testing */
export interface TableAuthorizerConfig {
  /** Every token the gateway knows. */
  readonly tokens: Readonly<Record<string, TokenGrant>>;
  /** Requested room → canonical room. @defaultValue `{}` */
  readonly aliases?: RoomAliases;
}

/**
 * A simple {@link Authorize} for tests: a table of tokens and room aliases.
 *
 * An unknown token is `err_unauthorized`; so is a topic whose documented scope
 * (`topicScope`) the token lacks (topics with no scope accept any known token),
 * and a canonical room other than the global room `""` and the token's own
 * (canonical) channel. With `defaultRoom: 'tokenChannel'` an absent room means
 * the token's channel.
 *
 * @example
 * ```ts
 * import { tableAuthorizer } from 'astro-rx/testing';
 * const authorize = tableAuthorizer({ tokens: { t1: { channel: 'c1', scopes: '*' } }, aliases: { alias: 'c1' } });
 * authorize('t1', 'jwt', 'channel.tips', 'alias', { defaultRoom: 'global' }); // { ok: true, canonicalRoom: 'c1' }
 * ```
 * @category Testing
 */
export function tableAuthorizer(config: TableAuthorizerConfig): Authorize {
  const aliases = config.aliases ?? {};
  const canonical = (room: string): string => (Object.prototype.hasOwnProperty.call(aliases, room) ? (aliases[room] ?? room) : room);
  return (token, _tokenType, topic, requestedRoom, { defaultRoom }) => {
    const grant = Object.prototype.hasOwnProperty.call(config.tokens, token) ? config.tokens[token] : undefined;
    if (grant === undefined) return { ok: false, error: 'err_unauthorized', message: 'the token is not valid' };
    const scope = topicScope(topic);
    if (scope && grant.scopes !== '*' && !grant.scopes.includes('*') && !grant.scopes.includes(scope)) {
      return { ok: false, error: 'err_unauthorized', message: `the token lacks the scope ${scope} required by ${topic}` };
    }
    const room = requestedRoom === '' && defaultRoom === 'tokenChannel' ? grant.channel : requestedRoom;
    const canonicalRoom = canonical(room);
    if (canonicalRoom !== '' && grant.channel !== '*' && canonicalRoom !== canonical(grant.channel)) {
      return { ok: false, error: 'err_unauthorized', message: 'the token does not grant access to this room' };
    }
    return { ok: true, canonicalRoom };
  };
}
