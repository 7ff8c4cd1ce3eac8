import * as t from 'io-ts';

/**
 * A string union that stays open: the known values are listed for editors and
 * `switch` statements, and any other string is still accepted (the gateway may
 * add values at any time).
 *
 * @category Protocol
 */
export type OpenEnum<K extends string> = K | (string & { readonly __open?: never });

/**
 * The io-ts codec of an {@link OpenEnum} (`ErrorCode`, `ActivityType`, …):
 * every string decodes, and the documented values are kept for
 * {@link OpenEnumCodec.isKnown}.
 *
 * @example
 * ```ts
 * import { ActivityType } from 'astro-rx/protocol';
 * ActivityType.isKnown('follow'); // true
 * ActivityType.isKnown('newThing'); // false, and it still decodes
 * ```
 * @category Protocol
 */
export interface OpenEnumCodec<K extends string> extends t.Type<OpenEnum<K>, string, unknown> {
  /** The documented values. */
  readonly known: ReadonlySet<K>;
  /** Whether `value` is one of the documented values. */
  isKnown(value: string): value is K;
}

/** Builds an {@link OpenEnumCodec}. @internal */
export function openEnum<K extends string>(name: string, values: readonly K[]): OpenEnumCodec<K> {
  const known: ReadonlySet<K> = new Set<K>(values);
  const codec = new t.Type<OpenEnum<K>, string, unknown>(
    name,
    (u): u is OpenEnum<K> => typeof u === 'string',
    (u, c) => (typeof u === 'string' ? t.success(u as OpenEnum<K>) : t.failure(u, c)),
    (a) => a,
  );
  return Object.assign(codec, {
    known,
    isKnown: (value: string): value is K => (known as ReadonlySet<string>).has(value),
  });
}
