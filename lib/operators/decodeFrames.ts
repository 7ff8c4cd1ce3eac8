import { OperatorFunction, map } from 'rxjs';
import * as E from 'fp-ts/Either';
import { DecodeConfig, RawFrame, decodeFrame } from '../protocol/decode';
import type { DecodeFailure } from '../protocol/decodeFailure';
import type { ServerFrame } from '../protocol/frames';

/**
 * Decodes a stream of raw WebSocket frames. Each input gives exactly one
 * output: `right` with a typed {@link ServerFrame}, or `left` with a
 * {@link DecodeFailure}. A failure never errors or ends the stream.
 *
 * ```text
 * raw:     --a--x--b--|     (x is not JSON)
 * decode:  --A--X--B--|     A, B: E.right(frame); X: E.left(InvalidJson)
 * ```
 *
 * @example
 * ```ts
 * import { decodeFrames } from 'astro-rx';
 * import { of } from 'rxjs';
 * of('{"type":"welcome","data":{"client_id":"c1"}}', 'oops')
 *   .pipe(decodeFrames())
 *   .subscribe((r) => console.log(r._tag));
 * // Output:
 * // Right
 * // Left
 * ```
 * @param config Frame size limit and payload validation, as for {@link decodeFrame}.
 * @category Operators
 */
export function decodeFrames(config: DecodeConfig = {}): OperatorFunction<RawFrame, E.Either<DecodeFailure, ServerFrame>> {
  return map((raw) => decodeFrame(raw, config));
}
