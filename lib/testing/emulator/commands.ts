import { topicScope } from '../../protocol/topics';
import { clip } from '../gateway/commands';
import type { Authorize } from '../gateway/types';
import type { TokenSigner } from '../tokens';

/** Requested room → canonical room, through `aliases`. Socket-free. @internal */
export function canonicalizer(aliases: Readonly<Record<string, string>>): (room: string) => string {
  return (room) => (Object.prototype.hasOwnProperty.call(aliases, room) ? (aliases[room] ?? room) : room);
}

/**
 * The emulator's authorization, socket-free: the token must verify under the
 * emulator's secret; a `token_type`, when sent, must match the token's kind;
 * the token needs the topic's documented scope (or `'*'`); the canonical room
 * must be the global room `""` or the token's (canonical) channel, unless the
 * token's channel is `'*'`. With `defaultRoom: 'tokenChannel'` an absent room
 * means the token's channel.
 *
 * @internal
 */
export function signedAuthorizer(signer: TokenSigner, canonical: (room: string) => string): Authorize {
  return (token, tokenType, topic, requestedRoom, { defaultRoom }) => {
    const verified = signer.verify(token);
    if (!verified.ok) {
      return { ok: false, error: 'err_unauthorized', message: verified.reason === 'expired' ? 'the token has expired' : 'the token is not valid' };
    }
    const claims = verified.claims;
    if (tokenType !== '' && tokenType !== claims.type) {
      return { ok: false, error: 'err_unauthorized', message: `token_type ${tokenType} does not match the kind of token sent` };
    }
    const scope = topicScope(topic);
    if (scope && !claims.scopes.includes('*') && !claims.scopes.includes(scope)) {
      return { ok: false, error: 'err_unauthorized', message: `the token lacks the scope ${scope} required by ${topic}` };
    }
    const room = requestedRoom === '' && defaultRoom === 'tokenChannel' ? claims.channel : requestedRoom;
    const canonicalRoom = canonical(room);
    const channel = canonical(claims.channel);
    if (canonicalRoom !== '' && channel !== '*' && canonicalRoom !== channel) {
      return { ok: false, error: 'err_unauthorized', message: `the token does not grant access to room ${JSON.stringify(clip(canonicalRoom))}` };
    }
    return { ok: true, canonicalRoom };
  };
}
