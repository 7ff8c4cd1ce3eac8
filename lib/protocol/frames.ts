import * as t from 'io-ts';
import { ErrorCode } from './errorCode';

// Fields every server frame may carry. The documented `reconnect` example has
// neither `id` nor `ts`, so neither is required anywhere.
const Envelope = t.partial({ id: t.string, ts: t.string });

/**
 * `welcome`: the first frame on every connection, fresh or restored.
 *
 * @category Protocol
 */
export const WelcomeFrame = t.intersection(
  [
    t.type({
      type: t.literal('welcome'),
      data: t.intersection([t.type({ client_id: t.string }), t.partial({ message: t.string })]),
    }),
    Envelope,
  ],
  'WelcomeFrame',
);
/** @category Protocol */
export interface WelcomeFrame extends t.TypeOf<typeof WelcomeFrame> {}

/** The `data` of a response: an object (`{ message, topic, room }` for a subscribe) or, historically, a plain string. */
const ResponseData = t.union([t.string, t.partial({ message: t.string, topic: t.string, room: t.string })]);

/**
 * `response`: the answer to a command. Success has no `error`; failure has an
 * {@link ErrorCode}. `nonce` echoes the command's, except on
 * `rate_limit_exceeded`, which never carries one.
 *
 * @category Protocol
 */
export const ResponseFrame = t.intersection(
  [
    t.type({ type: t.literal('response') }),
    t.partial({ nonce: t.string, error: ErrorCode, data: ResponseData }),
    Envelope,
  ],
  'ResponseFrame',
);
/** @category Protocol */
export interface ResponseFrame extends t.TypeOf<typeof ResponseFrame> {}

/** What the `data` of a `message` is: a JSON object (never `null`, an array or a primitive). */
const isJsonObject = (u: unknown): u is { readonly [key: string]: unknown } => typeof u === 'object' && u !== null && !Array.isArray(u);

const kindOf = (u: unknown): string => (u === null ? 'null' : Array.isArray(u) ? 'an array' : `a ${typeof u}`);

/** A JSON object; a message without one is refused with a message that says what came instead. */
const MessageData = new t.Type<{ readonly [key: string]: unknown }, { readonly [key: string]: unknown }, unknown>(
  // Stryker disable next-line StringLiteral: equivalent, every failure of MessageData carries its own message, so no report prints this name
  'MessageData',
  isJsonObject,
  (u, c) =>
    isJsonObject(u)
      ? t.success(u)
      : t.failure(u, c, u === undefined ? 'a message must carry data' : `a message's data must be a JSON object, not ${kindOf(u)}`),
  t.identity,
);

/**
 * `message`: an event published to a topic. `room` is often missing in the
 * documentation's examples, so it is optional; `data` is always a JSON object (a
 * frame whose `data` is `null`, an array or a primitive does not decode); its
 * shape is checked against the topic's payload codec separately (see
 * {@link decodePayload}).
 *
 * @category Protocol
 */
export const MessageFrame = t.intersection(
  [t.type({ type: t.literal('message'), topic: t.string, data: MessageData }), t.partial({ room: t.string }), Envelope],
  'MessageFrame',
);
/** @category Protocol */
export interface MessageFrame extends t.TypeOf<typeof MessageFrame> {}

/**
 * `reconnect`: the node is shutting down. Open a new connection with
 * `?reconnect_token=` and the gateway restores every subscription.
 *
 * @category Protocol
 */
export const ReconnectFrame = t.intersection(
  [
    t.type({
      type: t.literal('reconnect'),
      data: t.intersection([t.type({ reconnect_token: t.string }), t.partial({ message: t.string })]),
    }),
    Envelope,
  ],
  'ReconnectFrame',
);
/** @category Protocol */
export interface ReconnectFrame extends t.TypeOf<typeof ReconnectFrame> {}

/**
 * Any frame the gateway sends, discriminated by `type`.
 *
 * @category Protocol
 */
export const ServerFrame = t.union([WelcomeFrame, ResponseFrame, MessageFrame, ReconnectFrame], 'ServerFrame');
/** @category Protocol */
export type ServerFrame = WelcomeFrame | ResponseFrame | MessageFrame | ReconnectFrame;

/** The `type` values of {@link ServerFrame}. @category Protocol */
export type ServerFrameType = ServerFrame['type'];

/** @internal Codec per frame type, for a dispatch on `type` without trying every union member. */
export const FRAME_CODECS: { readonly [K in ServerFrameType]: t.Decoder<unknown, Extract<ServerFrame, { type: K }>> } = {
  welcome: WelcomeFrame,
  response: ResponseFrame,
  message: MessageFrame,
  reconnect: ReconnectFrame,
};

/**
 * The room a subscribe response names (the canonical room), if any.
 *
 * @example
 * ```ts
 * import { decodeFrame, responseRoom } from 'astro-rx/protocol';
 * const frame = decodeFrame('{"type":"response","nonce":"n1","data":{"message":"ok","topic":"channel.tips","room":"603abc"}}');
 * if (frame._tag === 'Right' && frame.right.type === 'response') responseRoom(frame.right); // '603abc'
 * ```
 * @category Protocol
 */
export function responseRoom(frame: ResponseFrame): string | undefined {
  return typeof frame.data === 'object' ? frame.data.room : undefined;
}

/** The human-readable text of a response, if any. @category Protocol */
export function responseMessage(frame: ResponseFrame): string | undefined {
  return typeof frame.data === 'string' ? frame.data : frame.data?.message;
}
