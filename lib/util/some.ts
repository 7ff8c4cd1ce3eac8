/**
 * One value or several, without an array for the common single one: per-room
 * state at 10 000 rooms pays for no one-element arrays.
 *
 * @internal
 */
export type Some<T> = T | readonly T[];

/** The values, as an array (a fresh one only when there are several). @internal */
export function all<T>(v: Some<T> | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

/** The number of values. @internal */
export function count<T>(v: Some<T> | undefined): number {
  return v === undefined ? 0 : Array.isArray(v) ? v.length : 1;
}

/** `v` with `x` added (once). @internal */
export function add<T>(v: Some<T> | undefined, x: T): Some<T> {
  if (v === undefined) return x;
  if (!Array.isArray(v)) return v === x ? v : [v as T, x];
  return (v as readonly T[]).includes(x) ? v : [...(v as readonly T[]), x];
}

/** `v` without `x`. @internal */
export function without<T>(v: Some<T> | undefined, x: T): Some<T> | undefined {
  if (!Array.isArray(v)) return v === x ? undefined : v;
  const rest = (v as readonly T[]).filter((y) => y !== x);
  return rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest;
}
