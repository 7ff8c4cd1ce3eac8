import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { FRAME_CODECS, MessageFrame, ServerFrame, ServerFrameType } from './frames';
import {
  DecodeFailure,
  binaryFrame,
  frameTooLarge,
  invalidFrame,
  invalidJson,
  payloadMismatch,
  unknownFrameType,
} from './decodeFailure';
import { TOPICS, isKnownTopic } from './topics';

/** A frame as a WebSocket delivers it: text, or binary in one of its forms. @category Protocol */
export type RawFrame = string | ArrayBuffer | ArrayBufferView | readonly ArrayBufferView[];

/** Options of {@link decodeFrame}. @category Protocol */
export interface DecodeConfig {
  /**
   * Frames larger than this many bytes are not parsed (a `FrameTooLarge` failure).
   * @defaultValue 1 048 576 (1 MiB)
   */
  readonly maxFrameBytes?: number;
  /**
   * Also check each `message` frame's `data` against its topic's payload codec.
   * A mismatch is a `PayloadMismatch` failure that still carries the frame.
   * @defaultValue false
   */
  readonly validatePayloads?: boolean;
}

/** @category Protocol */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

const isFrameType = (type: string): type is ServerFrameType => Object.prototype.hasOwnProperty.call(FRAME_CODECS, type);

/**
 * Decodes one raw WebSocket frame into a typed {@link ServerFrame}. Pure and
 * total: it never throws; every problem is a {@link DecodeFailure} on the left.
 *
 * Liberal in what it accepts: unknown fields are kept, `id`/`ts` may be absent,
 * `type` is compared case-insensitively (an old revision of the docs wrote
 * `RESPONSE`), and a legacy frame with a `topic` but no `type` is a `message`.
 *
 * @example
 * ```ts
 * import { decodeFrame } from 'astro-rx';
 * import * as E from 'fp-ts/Either';
 * const result = decodeFrame('{"type":"welcome","data":{"client_id":"01J5"}}');
 * if (E.isRight(result)) console.log(result.right.type);
 * // Output: welcome
 * ```
 * @category Protocol
 */
export function decodeFrame(raw: RawFrame, config: DecodeConfig = {}): E.Either<DecodeFailure, ServerFrame> {
  const limit = config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (typeof raw !== 'string') return E.left(binaryFrame(byteLengthOf(raw)));
  const size = textByteLength(raw, limit);
  if (size > limit) return E.left(frameTooLarge(size, limit));
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return E.left(invalidJson(raw, e instanceof Error ? e.message : String(e)));
  }
  const frame = decodeFrameValue(value);
  if (config.validatePayloads && E.isRight(frame) && frame.right.type === 'message') {
    return decodePayload(frame.right);
  }
  return frame;
}

/**
 * Decodes an already parsed JSON value into a {@link ServerFrame} (the second
 * half of {@link decodeFrame}).
 *
 * @category Protocol
 */
export function decodeFrameValue(value: unknown): E.Either<DecodeFailure, ServerFrame> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return E.left(unknownFrameType(value, undefined));
  }
  const record = value as Record<string, unknown>;
  let type = record['type'];
  let candidate: unknown = value;
  if (typeof type === 'string') {
    const lower = type.toLowerCase();
    if (lower !== type) {
      type = lower;
      candidate = { ...record, type: lower };
    }
  } else if (type === undefined && typeof record['topic'] === 'string' && 'data' in record) {
    type = 'message';
    candidate = { ...record, type: 'message' };
  }
  if (type === 'message' && candidate === value && isPlainMessage(record)) {
    // The hot path: a well-formed message needs no codec walk (same result as MessageFrame.decode).
    return E.right(record as unknown as MessageFrame);
  }
  if (typeof type !== 'string' || !isFrameType(type)) return E.left(unknownFrameType(value, record['type']));
  const codec: t.Decoder<unknown, ServerFrame> = FRAME_CODECS[type];
  const result = codec.decode(candidate);
  return E.isRight(result) ? result : E.left(invalidFrame(value, result.left));
}

/**
 * Checks a `message` frame's `data` against the payload codec of its topic.
 * Topics without a documented payload, and unknown topics, always pass.
 *
 * @example
 * ```ts
 * import { decodePayload, describeDecodeFailure } from 'astro-rx';
 * const checked = decodePayload({ type: 'message', topic: 'channel.tips', room: 'r', data: { donation: {} } });
 * if (checked._tag === 'Left') console.warn(describeDecodeFailure(checked.left)); // amount and currency are missing
 * ```
 * @category Protocol
 */
export function decodePayload(frame: MessageFrame): E.Either<DecodeFailure, MessageFrame> {
  if (!isKnownTopic(frame.topic)) return E.right(frame);
  const codec = TOPICS[frame.topic].payload;
  // `is` checks without building a result; decode only to report a mismatch
  if (codec.is(frame.data)) return E.right(frame);
  const result = codec.decode(frame.data);
  return E.isRight(result) ? E.right(frame) : E.left(payloadMismatch(frame, result.left));
}

const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

function isPlainMessage(r: Record<string, unknown>): boolean {
  return typeof r['topic'] === 'string' && 'data' in r && optionalString(r['room']) && optionalString(r['id']) && optionalString(r['ts']);
}

function byteLengthOf(raw: Exclude<RawFrame, string>): number {
  if (raw instanceof ArrayBuffer) return raw.byteLength;
  if (ArrayBuffer.isView(raw)) return raw.byteLength;
  if (Array.isArray(raw)) return raw.reduce((n: number, part: ArrayBufferView) => n + part.byteLength, 0);
  return 0;
}

// UTF-8 length of a string, computed exactly only when it might exceed the limit.
function textByteLength(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length;
  if (text.length > limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
