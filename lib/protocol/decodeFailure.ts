import type * as t from 'io-ts';
import type { MessageFrame } from './frames';
import { MAX_FAILURE_TEXT, MAX_LINE, preview, reportErrors, truncate, truncateMiddle } from './boundedReport';

/** A text frame that is not JSON. @category Protocol */
export interface InvalidJson {
  readonly _tag: 'InvalidJson';
  /** The start of the frame (at most 200 characters), for logs. */
  readonly excerpt: string;
  /** The parser's message (at most 200 characters). */
  readonly message: string;
}

/** A binary frame: the gateway speaks text only, so binary is reported and ignored. @category Protocol */
export interface BinaryFrame {
  readonly _tag: 'BinaryFrame';
  readonly byteLength: number;
}

/** A frame larger than the configured limit; it was not parsed. @category Protocol */
export interface FrameTooLarge {
  readonly _tag: 'FrameTooLarge';
  /**
   * The frame's size in bytes (UTF-8 for text). A text with more characters
   * than the limit is not counted: this is then its length in characters, a
   * lower bound of its size.
   */
  readonly byteLength: number;
  readonly limit: number;
}

/**
 * JSON nested deeper than the configured limit (`maxDepth`, 64 by default). It
 * was not checked against any codec: no frame of the protocol is that deep, and
 * walking (or printing) it could overflow the stack.
 *
 * @category Protocol
 */
export interface FrameTooDeep {
  readonly _tag: 'FrameTooDeep';
  /** The depth limit it exceeded (the frame object itself is level 1). */
  readonly limit: number;
}

/** JSON that is not a frame of the documented shape. @category Protocol */
export interface InvalidFrame {
  readonly _tag: 'InvalidFrame';
  readonly value: unknown;
  readonly errors: t.Errors;
  /**
   * io-ts PathReporter lines, e.g. `Invalid value undefined supplied to : WelcomeFrame/0: …/data: …`,
   * bounded: values are shortened, long lines cut in the middle, and the lines
   * together hold at most {@link MAX_FAILURE_TEXT} characters.
   */
  readonly report: readonly string[];
}

/** A well-formed frame whose `type` this client does not know (newer gateway, or garbage). @category Protocol */
export interface UnknownFrameType {
  readonly _tag: 'UnknownFrameType';
  readonly type: unknown;
  readonly value: unknown;
}

/**
 * A `message` frame whose envelope decoded but whose `data` does not match its
 * topic's payload codec. The frame is kept: nothing is dropped silently.
 */
export interface PayloadMismatch {
  readonly _tag: 'PayloadMismatch';
  readonly frame: MessageFrame;
  readonly errors: t.Errors;
  /** Bounded io-ts PathReporter lines, as in {@link InvalidFrame}. */
  readonly report: readonly string[];
}

/**
 * Why a raw WebSocket frame did not decode. A tagged union: switch on `_tag`,
 * or use {@link matchDecodeFailure}.
 *
 * @category Protocol
 */
export type DecodeFailure = InvalidJson | BinaryFrame | FrameTooLarge | FrameTooDeep | InvalidFrame | UnknownFrameType | PayloadMismatch;

export { MAX_FAILURE_TEXT } from './boundedReport';

// constructors

/** @category Protocol */
export const invalidJson = (raw: string, message: string): InvalidJson => ({
  _tag: 'InvalidJson',
  excerpt: truncate(raw, 200),
  message: truncate(message, 200),
});
/** @category Protocol */
export const binaryFrame = (byteLength: number): BinaryFrame => ({ _tag: 'BinaryFrame', byteLength });
/** @category Protocol */
export const frameTooLarge = (byteLength: number, limit: number): FrameTooLarge => ({ _tag: 'FrameTooLarge', byteLength, limit });
/** @category Protocol */
export const frameTooDeep = (limit: number): FrameTooDeep => ({ _tag: 'FrameTooDeep', limit });
/** @category Protocol */
export const invalidFrame = (value: unknown, errors: t.Errors): InvalidFrame => ({
  _tag: 'InvalidFrame',
  value,
  errors,
  report: reportErrors(errors),
});
/**
 * The failure of a value the decoder could not even inspect (reading it threw):
 * an `InvalidFrame` with no io-ts errors and one report line naming the cause.
 *
 * @internal
 */
export const uncheckableFrame = (value: unknown, cause: unknown): InvalidFrame => {
  let why: string;
  try {
    why = cause instanceof Error ? `${cause.name}: ${cause.message}` : typeof cause;
  } catch {
    why = 'error';
  }
  return { _tag: 'InvalidFrame', value, errors: [], report: [truncate(`the frame could not be checked (${why})`, MAX_LINE)] };
};
/** @category Protocol */
export const unknownFrameType = (value: unknown, type: unknown): UnknownFrameType => ({ _tag: 'UnknownFrameType', type, value });
/** @category Protocol */
export const payloadMismatch = (frame: MessageFrame, errors: t.Errors): PayloadMismatch => ({
  _tag: 'PayloadMismatch',
  frame,
  errors,
  report: reportErrors(errors),
});

// destructors

/**
 * Exhaustive match over a {@link DecodeFailure}.
 *
 * @example
 * ```ts
 * import { matchDecodeFailure } from 'astro-rx/protocol';
 * const describe = matchDecodeFailure({
 *   InvalidJson: (f) => `not JSON: ${f.message}`,
 *   BinaryFrame: (f) => `binary (${f.byteLength} bytes)`,
 *   FrameTooLarge: (f) => `too large (${f.byteLength} > ${f.limit})`,
 *   FrameTooDeep: (f) => `nested deeper than ${f.limit}`,
 *   InvalidFrame: (f) => f.report.join('; '),
 *   UnknownFrameType: (f) => `unknown type ${String(f.type)}`,
 *   PayloadMismatch: (f) => `bad ${f.frame.topic} payload`,
 * });
 * ```
 * @category Protocol
 */
export function matchDecodeFailure<R>(handlers: { readonly [K in DecodeFailure['_tag']]: (f: Extract<DecodeFailure, { _tag: K }>) => R }) {
  return (failure: DecodeFailure): R => {
    switch (failure._tag) {
      case 'InvalidJson': return handlers.InvalidJson(failure);
      case 'BinaryFrame': return handlers.BinaryFrame(failure);
      case 'FrameTooLarge': return handlers.FrameTooLarge(failure);
      case 'FrameTooDeep': return handlers.FrameTooDeep(failure);
      case 'InvalidFrame': return handlers.InvalidFrame(failure);
      case 'UnknownFrameType': return handlers.UnknownFrameType(failure);
      case 'PayloadMismatch': return handlers.PayloadMismatch(failure);
      default: return assertNever(failure);
    }
  };
}

const describeBounded = matchDecodeFailure<string>({
  InvalidJson: (f) => `frame is not JSON (${truncate(f.message, 200)})`,
  BinaryFrame: (f) => `binary frame of ${f.byteLength} bytes ignored (the gateway speaks text)`,
  FrameTooLarge: (f) => `frame of ${f.byteLength} bytes exceeds maxFrameBytes ${f.limit}`,
  FrameTooDeep: (f) => `frame nested deeper than ${f.limit} levels ignored (maxDepth)`,
  InvalidFrame: (f) => `frame does not match the protocol: ${f.report[0] ?? 'invalid'}`,
  UnknownFrameType: (f) => `frame of unknown type ${preview(f.type)} ignored`,
  PayloadMismatch: (f) => `payload of ${truncate(String(f.frame.topic), 200)} does not match its documented shape: ${f.report[0] ?? 'invalid'}`,
});

/**
 * A one-line description of a failure, safe for logs (no frame contents beyond
 * a short excerpt), and at most {@link MAX_FAILURE_TEXT} characters long.
 *
 * @category Protocol
 */
export const describeDecodeFailure = (failure: DecodeFailure): string => truncateMiddle(describeBounded(failure), MAX_FAILURE_TEXT);

/**
 * A copy of a failure that is safe to hand out (in an error, a log line or a
 * metric): no raw frame values, no payload data, and every text passed through
 * `scrub` (which removes secrets). What it keeps says what went wrong and where.
 *
 * @internal
 */
export function scrubDecodeFailure(failure: DecodeFailure, scrub: (text: string) => string): DecodeFailure {
  switch (failure._tag) {
    case 'InvalidJson':
      return { ...failure, excerpt: scrub(failure.excerpt), message: scrub(failure.message) };
    case 'BinaryFrame':
    case 'FrameTooLarge':
    case 'FrameTooDeep':
      return failure;
    case 'InvalidFrame':
      return { _tag: 'InvalidFrame', value: undefined, errors: [], report: failure.report.map(scrub) };
    case 'UnknownFrameType':
      return { _tag: 'UnknownFrameType', type: typeof failure.type === 'string' ? scrub(truncate(failure.type, 200)) : typeof failure.type, value: undefined };
    case 'PayloadMismatch': {
      const { data: _data, ...envelope } = failure.frame;
      return { _tag: 'PayloadMismatch', frame: { ...envelope, data: {} }, errors: [], report: failure.report.map(scrub) };
    }
    default:
      return assertNever(failure);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`unexpected decode failure ${preview(x)}`);
}
