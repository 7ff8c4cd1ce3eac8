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
import { defaultPayloadCodecs } from './defaultPayloadCodecs';
import type { PayloadCodecs } from './payloadCodecs';

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
   * Also check each `message` frame's `data` against its topic's payload codec:
   * the codecs given (`PAYLOAD_CODECS` from `astro-rx/payloads`, or a map of a
   * few topics), or with `true` every documented topic's codec (from
   * `astro-rx/protocol`, and in Node from `astro-rx` too; see
   * `AstroClientOptions.validatePayloads`). A mismatch is a `PayloadMismatch`
   * failure that still carries the frame.
   * @defaultValue false
   */
  readonly validatePayloads?: boolean | PayloadCodecs;
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
 * Decodes one raw WebSocket frame into a typed `ServerFrame` (the client's
 * decoder; `astro-rx/protocol` exports it from `decodeWithCodecs.ts`, where
 * `validatePayloads: true` has the codecs in every build). Pure and total.
 *
 * @internal
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
    // JSON.parse of a string throws only SyntaxErrors
    return E.left(invalidJson(raw, (e as SyntaxError).message));
  }
  try {
    const maxDepth = config.maxDepth ?? DEFAULT_MAX_DEPTH;
    // No walk when the text has too few brackets to nest that deep (the usual frame).
    const frame = decodeChecked(value, opensMoreThan(raw, maxDepth) ? maxDepth : Infinity);
    const codecs = config.validatePayloads === true ? defaultPayloadCodecs() : config.validatePayloads;
    // Stryker disable next-line ConditionalExpression: equivalent, a frame without a topic finds no payload codec and passes unchanged; the test only skips the lookup
    if (codecs && E.isRight(frame) && frame.right.type === 'message') {
      return decodePayloadWith(frame.right, codecs);
    }
    return frame;
  } catch (e) {
    // parsed JSON is never too deep to check here (its depth is checked first), but a user's payload codec may throw
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

/** `maxDepth` is `Infinity` when the caller knows the value cannot be deeper than the limit. */
function decodeChecked(value: unknown, maxDepth: number): E.Either<DecodeFailure, ServerFrame> {
  // before anything walks or prints the value
  // Stryker disable next-line ConditionalExpression: equivalent in result, no value is deeper than Infinity; the test only skips the walk
  if (maxDepth !== Infinity && deeperThan(value, maxDepth)) return E.left(frameTooDeep(maxDepth));
  // (an array reads as a record without a type below: an unknown frame type too)
  if (typeof value !== 'object' || value === null) return E.left(unknownFrameType(value, undefined));
  const record = value as Record<string, unknown>;
  let type = record['type'];
  let candidate: unknown = value;
  if (typeof type === 'string') {
    const lower = type.toLowerCase();
    // Stryker disable next-line ConditionalExpression: equivalent in result, a copy of a lower-case frame decodes to an equal frame; the test keeps the hot path below
    if (lower !== type) {
      type = lower;
      candidate = { ...record, type: lower };
    }
  } else if (type === undefined && typeof record['topic'] === 'string' && 'data' in record) {
    type = 'message';
    candidate = { ...record, type: 'message' };
  }
  // Stryker disable next-line ConditionalExpression: equivalent in result, the codec decodes a plain message to an equal frame; this is the hot path that skips it
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
 * Checks a `message` frame's `data` against its topic's codec in `codecs`; a
 * topic with no codec there always passes. (`decodePayload` in
 * `astro-rx/protocol` is this with every documented topic's codec.)
 *
 * @internal
 */
export function decodePayloadWith(frame: MessageFrame, codecs: PayloadCodecs): E.Either<DecodeFailure, MessageFrame> {
  const codec = Object.prototype.hasOwnProperty.call(codecs, frame.topic) ? codecs[frame.topic] : undefined;
  // `is` checks without building a result; decode only to report a mismatch
  if (codec === undefined || codec.is(frame.data)) return E.right(frame);
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
 * Whether JSON `text` holds more than `limit` opening brackets (`{` or `[`,
 * inside strings too). A parsed value nests at most as deep as the text has
 * opening brackets, so when this is false the depth walk can be skipped: a
 * 640-byte message has a handful, and counting them with `indexOf` costs about
 * half of walking the parsed object.
 */
export function opensMoreThan(text: string, limit: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) if (++n > limit) return true;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) if (++n > limit) return true;
  return false;
}

/**
 * Whether `value` nests objects and arrays more than `limit` levels deep (the
 * value itself is level 1). Recursive but bounded: it never goes more than
 * `limit` calls deep, so any depth is safe to ask about; it stops at the first
 * container past the limit (so a cycle is "too deep"), and allocates nothing.
 */
function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return limit < 1 || nestsDeeper(value, limit - 1);
}

/** Whether a child container of `node` lies more than `levels` levels below it (an array's children are its keys too). */
function nestsDeeper(node: object, levels: number): boolean {
  const record = node as Record<string, unknown>;
  for (const key in record) {
    const child = record[key];
    if (typeof child === 'object' && child !== null && (levels < 1 || nestsDeeper(child, levels - 1))) return true;
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
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent in result, a short text's exact count never exceeds the limit; this only skips counting
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
