import * as t from 'io-ts';
import { TokenType } from './tokenType';

/**
 * `subscribe`: start receiving a topic in a room. The token authenticates this
 * one subscription.
 *
 * @category Protocol
 */
export const SubscribeCommand = t.intersection(
  [
    t.type({
      type: t.literal('subscribe'),
      data: t.intersection([
        t.type({ topic: t.string, token: t.string }),
        t.partial({ room: t.string, token_type: TokenType }),
      ]),
    }),
    t.partial({ nonce: t.string }),
  ],
  'SubscribeCommand',
);
/** @category Protocol */
export interface SubscribeCommand extends t.TypeOf<typeof SubscribeCommand> {}

/**
 * `unsubscribe`: stop receiving a topic in one room, or in every room when
 * `room` is absent.
 *
 * @category Protocol
 */
export const UnsubscribeCommand = t.intersection(
  [
    t.type({
      type: t.literal('unsubscribe'),
      data: t.intersection([t.type({ topic: t.string }), t.partial({ room: t.string })]),
    }),
    t.partial({ nonce: t.string }),
  ],
  'UnsubscribeCommand',
);
/** @category Protocol */
export interface UnsubscribeCommand extends t.TypeOf<typeof UnsubscribeCommand> {}

/** A command the client sends. @category Protocol */
export const ClientCommand = t.union([SubscribeCommand, UnsubscribeCommand], 'ClientCommand');
/** @category Protocol */
export type ClientCommand = SubscribeCommand | UnsubscribeCommand;

/** Arguments of {@link subscribeCommand}. @category Protocol */
export interface SubscribeArgs {
  readonly topic: string;
  readonly room?: string;
  readonly token: string;
  readonly tokenType?: TokenType;
  readonly nonce?: string;
}

/**
 * Builds a `subscribe` command; absent optional fields are left out.
 *
 * @example
 * ```ts
 * import { subscribeCommand, encodeCommand } from 'astro-rx/protocol';
 * encodeCommand(subscribeCommand({ topic: 'channel.tips', room: 'abc', token: 't', nonce: 'n1' }));
 * // '{"type":"subscribe","nonce":"n1","data":{"topic":"channel.tips","room":"abc","token":"t","token_type":"jwt"}}'
 * ```
 * @category Protocol
 */
export function subscribeCommand(args: SubscribeArgs): SubscribeCommand {
  return {
    type: 'subscribe',
    ...(args.nonce !== undefined ? { nonce: args.nonce } : {}),
    data: {
      topic: args.topic,
      ...(args.room !== undefined ? { room: args.room } : {}),
      token: args.token,
      token_type: args.tokenType ?? 'jwt',
    },
  };
}

/** Arguments of {@link unsubscribeCommand}. @category Protocol */
export interface UnsubscribeArgs {
  readonly topic: string;
  /** The room to leave; leave it out to drop the topic in every room. */
  readonly room?: string;
  readonly nonce?: string;
}

/**
 * Builds an `unsubscribe` command (without a token: the gateway needs none).
 *
 * @example
 * ```ts
 * import { unsubscribeCommand, encodeCommand } from 'astro-rx/protocol';
 * encodeCommand(unsubscribeCommand({ topic: 'channel.tips' }));
 * // '{"type":"unsubscribe","data":{"topic":"channel.tips"}}'
 * ```
 * @category Protocol
 */
export function unsubscribeCommand(args: UnsubscribeArgs): UnsubscribeCommand {
  return {
    type: 'unsubscribe',
    ...(args.nonce !== undefined ? { nonce: args.nonce } : {}),
    data: { topic: args.topic, ...(args.room !== undefined ? { room: args.room } : {}) },
  };
}

/**
 * Returns a copy of `command` carrying `nonce`.
 *
 * @example
 * ```ts
 * import { subscribeCommand, withNonce } from 'astro-rx/protocol';
 * const command = withNonce(subscribeCommand({ topic: 'channel.tips', room, token }), crypto.randomUUID());
 * ```
 * @category Protocol
 */
export function withNonce<C extends ClientCommand>(command: C, nonce: string): C {
  return { ...command, nonce };
}

/**
 * Serialises a command to the JSON text the gateway expects. Fields whose value
 * is `undefined` are omitted (never sent as `null`).
 *
 * @example
 * ```ts
 * import { encodeCommand, unsubscribeCommand } from 'astro-rx/protocol';
 * socket.send(encodeCommand(unsubscribeCommand({ topic: 'channel.tips', room: 'abc', nonce: 'n1' })));
 * // sends {"type":"unsubscribe","nonce":"n1","data":{"topic":"channel.tips","room":"abc"}}
 * ```
 * @category Protocol
 */
export function encodeCommand(command: ClientCommand): string {
  return JSON.stringify(command);
}
