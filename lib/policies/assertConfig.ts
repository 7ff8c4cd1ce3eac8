/**
 * Config validation shared by the connection and the policies. Every check throws a
 * `TypeError` that names the function, the option, what was expected and what
 * was received (p-queue's constructor, rxjs `timeout`).
 *
 * @internal
 * @module
 */

/** A short, log-safe rendering of a received value. @internal */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  let text: string;
  // null included: JSON.stringify(null) and String(null) agree
  if (typeof value === 'object') {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  } else {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Options of {@link assertNumber}. @internal */
export interface NumberRule {
  /** Smallest accepted value (inclusive). */
  readonly min?: number;
  /** Values must be greater than this (exclusive). */
  readonly above?: number;
  /** Only whole numbers. */
  readonly integer?: boolean;
}

/** Throws a `TypeError` unless `value` is a number obeying `rule`. @internal */
export function assertNumber(owner: string, option: string, value: unknown, rule: NumberRule = {}): asserts value is number {
  const { min, above, integer = false } = rule;
  const ok =
    // Stryker disable next-line ConditionalExpression: equivalent, Number.isFinite is false for any non-number; the typeof narrows the type for the comparisons
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || value >= min) &&
    (above === undefined || value > above);
  if (!ok) {
    const kind = integer ? 'an integer' : 'a finite number';
    const bound = (min === undefined ? '' : ` >= ${min}`) + (above === undefined ? '' : ` > ${above}`);
    throw new TypeError(`${owner}: option ${option} must be ${kind}${bound}, got ${describeValue(value)}`);
  }
}

/** Throws a `TypeError` unless `value` is a function. @internal */
export function assertFunction(owner: string, option: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw new TypeError(`${owner}: option ${option} must be a function, got ${describeValue(value)}`);
  }
}

/** Throws a `TypeError` unless `value` is a boolean. @internal */
export function assertBoolean(owner: string, option: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${owner}: option ${option} must be a boolean, got ${describeValue(value)}`);
  }
}
