import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { FRAME_CODECS, MessageFrame, ServerFrame, ServerFrameType } from './frames';
import {
  DecodeFailure,
  binaryFrame,
  frameTooDeep,
  frameTooLarge,
  invalidFrame,
  invalidJson,
  payloadMismatch,
  uncheckableFrame,
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
  /**
   * Frames nested deeper than this (the frame object is level 1, its `data`
   * level 2) are not checked against any codec (a `FrameTooDeep` failure). No
   * frame of the protocol comes close; the limit keeps a hostile frame from
   * overflowing the stack of whatever walks it later.
   * @defaultValue 64
   */
  readonly maxDepth?: number;
}

/** @category Protocol */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** @category Protocol */
export const DEFAULT_MAX_DEPTH = 64;

const isFrameType = (type: string): type is ServerFrameType => Object.prototype.hasOwnProperty.call(FRAME_CODECS, type);

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
  const limit = config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (typeof raw !== 'string') return E.left(binaryFrame(byteLengthOf(raw)));
  const size = textByteLength(raw, limit);
  if (size > limit) return E.left(frameTooLarge(size, limit));
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return E.left(invalidJson(raw, e instanceof Error ? e.message : 'unreadable JSON'));
  }
  try {
    const frame = decodeChecked(value, config.maxDepth ?? DEFAULT_MAX_DEPTH);
    if (config.validatePayloads && E.isRight(frame) && frame.right.type === 'message') {
      return decodePayload(frame.right);
    }
    return frame;
  } catch (e) {
    // unreachable for parsed JSON (its depth is checked first); the decoder stays total regardless
    return E.left(uncheckableFrame(value, e));
  }
}

/**
 * Decodes an already parsed JSON value into a {@link ServerFrame} (the second
 * half of {@link decodeFrame}), with the same depth limit. Total as well: a
 * value that throws when read is an `InvalidFrame`.
 *
 * @category Protocol
 */
export function decodeFrameValue(value: unknown, config: Pick<DecodeConfig, 'maxDepth'> = {}): E.Either<DecodeFailure, ServerFrame> {
  try {
    return decodeChecked(value, config.maxDepth ?? DEFAULT_MAX_DEPTH);
  } catch (e) {
    return E.left(uncheckableFrame(value, e));
  }
}

function decodeChecked(value: unknown, maxDepth: number): E.Either<DecodeFailure, ServerFrame> {
  // before anything walks or prints the value
  if (deeperThan(value, maxDepth)) return E.left(frameTooDeep(maxDepth));
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
 * import { decodePayload, describeDecodeFailure } from 'astro-rx/protocol';
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

/** The `data` of a message: a JSON object (as `MessageFrame` checks it). */
const isJsonObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

function isPlainMessage(r: Record<string, unknown>): boolean {
  return typeof r['topic'] === 'string' && isJsonObject(r['data']) && optionalString(r['room']) && optionalString(r['id']) && optionalString(r['ts']);
}

/**
 * Whether `value` nests objects and arrays more than `limit` levels deep (the
 * value itself is level 1). Iterative, so any depth is safe to ask about, and
 * it stops at the first container past the limit (so a cycle is "too deep").
 */
function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit < 1) return true;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop() as object;
    const depth = (depths.pop() as number) + 1;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child !== 'object' || child === null) continue;
        if (depth > limit) return true;
        stack.push(child);
        depths.push(depth);
      }
    } else {
      const record = node as Record<string, unknown>;
      for (const key in record) {
        const child = record[key];
        if (typeof child !== 'object' || child === null) continue;
        if (depth > limit) return true;
        stack.push(child);
        depths.push(depth);
      }
    }
  }
  return false;
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
