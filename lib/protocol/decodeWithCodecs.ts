/**
 * `decodeFrame` and `decodePayload` as `astro-rx/protocol` exports them: with
 * every documented topic's codec at hand, so that `validatePayloads: true` means
 * the same in every build (the client's own decoder, `decode.ts`, has the codecs
 * only in Node builds).
 */
import type * as E from 'fp-ts/Either';
import { DecodeConfig, RawFrame, decodeFrame as decodeFrameWith, decodePayloadWith } from './decode';
import type { DecodeFailure } from './decodeFailure';
import type { MessageFrame, ServerFrame } from './frames';
import { PAYLOAD_CODECS, PayloadCodecs } from './payloadCodecs';

/**
 * Decodes one raw WebSocket frame into a typed {@link ServerFrame}. Pure and
 * total: it never throws, whatever the frame (nested 100 000 levels deep, an
 * array of 100 000 items where a string belongs, `__proto__` keys, a 1 MB
 * string); every problem is a {@link DecodeFailure} on the left, whose text is
 * at most {@link MAX_FAILURE_TEXT} characters.
 *
 * Liberal in what it accepts: unknown fields are kept, `id`/`ts` may be absent,
 * `type` is compared case-insensitively (an old revision of the docs wrote
 * `RESPONSE`), and a legacy frame with a `topic` but no `type` is a `message`.
 *
 * With `validatePayloads: true`, each `message`'s `data` is checked against
 * its topic's codec in `PAYLOAD_CODECS`; with a map of codecs, against those.
 *
 * @example
 * ```ts
 * import { decodeFrame } from 'astro-rx/protocol';
 * import * as E from 'fp-ts/Either';
 * const result = decodeFrame('{"type":"welcome","data":{"client_id":"01J5"}}');
 * if (E.isRight(result)) console.log(result.right.type);
 * // Output: welcome
 * ```
 * @category Protocol
 */
export function decodeFrame(raw: RawFrame, config: DecodeConfig = {}): E.Either<DecodeFailure, ServerFrame> {
  // In Node the client's decoder resolves `true` to these same codecs: the mutants of this test are
  // equivalent there, and differ only in the browser build, whose decoder has no codecs of its own.
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral: equivalent in Node (see above)
  return decodeFrameWith(raw, config.validatePayloads === true ? { ...config, validatePayloads: PAYLOAD_CODECS } : config);
}

/**
 * Checks a `message` frame's `data` against the payload codec of its topic
 * (by default, in `PAYLOAD_CODECS`). Topics without a documented payload, and
 * unknown topics, always pass.
 *
 * @example
 * ```ts
 * import { decodePayload, describeDecodeFailure } from 'astro-rx/protocol';
 * const checked = decodePayload({ type: 'message', topic: 'channel.tips', room: 'r', data: { donation: {} } });
 * if (checked._tag === 'Left') console.warn(describeDecodeFailure(checked.left)); // amount and currency are missing
 * ```
 * @category Protocol
 */
export function decodePayload(frame: MessageFrame, codecs: PayloadCodecs = PAYLOAD_CODECS): E.Either<DecodeFailure, MessageFrame> {
  return decodePayloadWith(frame, codecs);
}
