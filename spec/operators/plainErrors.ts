import { OperatorFunction, map } from 'rxjs';
import { AstroError } from '../../lib/errors/astroError';

/**
 * Replaces every AstroError inside `value` by `{ name, code, message, details }`.
 * Jest's `toEqual` compares Error instances by message only, so outputs that
 * carry an error are compared through this to check the code and details too.
 */
export function plain(value: unknown): unknown {
  if (value instanceof AstroError) return { name: value.name, code: value.code, message: value.message, details: value.details };
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** `map(plain)`, for the observable under test. */
export const plainErrors = <T>(): OperatorFunction<T, unknown> => map(plain);
