import * as t from 'io-ts';
import { PathReporter } from 'io-ts/PathReporter';
import type { MessageFrame } from './frames';

/** A text frame that is not JSON. @category Protocol */
export interface InvalidJson {
  readonly _tag: 'InvalidJson';
  /** The start of the frame (at most 200 characters), for logs. */
  readonly excerpt: string;
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
  readonly byteLength: number;
  readonly limit: number;
}

/** JSON that is not a frame of the documented shape. @category Protocol */
export interface InvalidFrame {
  readonly _tag: 'InvalidFrame';
  readonly value: unknown;
  readonly errors: t.Errors;
  /** io-ts PathReporter lines, e.g. `Invalid value undefined supplied to : WelcomeFrame/0: …/data: …`. */
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
  readonly report: readonly string[];
}

/**
 * Why a raw WebSocket frame did not decode. A tagged union: switch on `_tag`,
 * or use {@link matchDecodeFailure}.
 *
 * @category Protocol
 */
export type DecodeFailure = InvalidJson | BinaryFrame | FrameTooLarge | InvalidFrame | UnknownFrameType | PayloadMismatch;

// constructors

/** @category Protocol */
export const invalidJson = (raw: string, message: string): InvalidJson => ({
  _tag: 'InvalidJson',
  excerpt: raw.length > 200 ? `${raw.slice(0, 200)}…` : raw,
  message,
});
/** @category Protocol */
export const binaryFrame = (byteLength: number): BinaryFrame => ({ _tag: 'BinaryFrame', byteLength });
/** @category Protocol */
export const frameTooLarge = (byteLength: number, limit: number): FrameTooLarge => ({ _tag: 'FrameTooLarge', byteLength, limit });
/** @category Protocol */
export const invalidFrame = (value: unknown, errors: t.Errors): InvalidFrame => ({
  _tag: 'InvalidFrame',
  value,
  errors,
  report: PathReporter.report(t.failures(errors)),
});
/** @category Protocol */
export const unknownFrameType = (value: unknown, type: unknown): UnknownFrameType => ({ _tag: 'UnknownFrameType', type, value });
/** @category Protocol */
export const payloadMismatch = (frame: MessageFrame, errors: t.Errors): PayloadMismatch => ({
  _tag: 'PayloadMismatch',
  frame,
  errors,
  report: PathReporter.report(t.failures(errors)),
});

// destructors

/**
 * Exhaustive match over a {@link DecodeFailure}.
 *
 * @example
 * ```ts
 * import { matchDecodeFailure } from 'astro-rx';
 * const describe = matchDecodeFailure({
 *   InvalidJson: (f) => `not JSON: ${f.message}`,
 *   BinaryFrame: (f) => `binary (${f.byteLength} bytes)`,
 *   FrameTooLarge: (f) => `too large (${f.byteLength} > ${f.limit})`,
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
      case 'InvalidFrame': return handlers.InvalidFrame(failure);
      case 'UnknownFrameType': return handlers.UnknownFrameType(failure);
      case 'PayloadMismatch': return handlers.PayloadMismatch(failure);
      default: return assertNever(failure);
    }
  };
}

/** A one-line description of a failure, safe for logs (no frame contents beyond a short excerpt). @category Protocol */
export const describeDecodeFailure: (failure: DecodeFailure) => string = matchDecodeFailure({
  InvalidJson: (f) => `frame is not JSON (${f.message})`,
  BinaryFrame: (f) => `binary frame of ${f.byteLength} bytes ignored (the gateway speaks text)`,
  FrameTooLarge: (f) => `frame of ${f.byteLength} bytes exceeds maxFrameBytes ${f.limit}`,
  InvalidFrame: (f) => `frame does not match the protocol: ${f.report[0] ?? 'invalid'}`,
  UnknownFrameType: (f) => `frame of unknown type ${JSON.stringify(f.type) ?? String(f.type)} ignored`,
  PayloadMismatch: (f) => `payload of ${f.frame.topic} does not match its documented shape: ${f.report[0] ?? 'invalid'}`,
});

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
      return failure;
    case 'InvalidFrame':
      return { _tag: 'InvalidFrame', value: undefined, errors: [], report: failure.report.map(scrub) };
    case 'UnknownFrameType':
      return { _tag: 'UnknownFrameType', type: typeof failure.type === 'string' ? scrub(failure.type) : typeof failure.type, value: undefined };
    case 'PayloadMismatch': {
      const { data: _data, ...envelope } = failure.frame;
      return { _tag: 'PayloadMismatch', frame: { ...envelope, data: undefined }, errors: [], report: failure.report.map(scrub) };
    }
    default:
      return assertNever(failure);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`unexpected decode failure ${JSON.stringify(x)}`);
}
