import type * as t from 'io-ts';

// Bounded text for decode failures: values, paths and reports cut to a size that no hostile
// frame can blow up (a line ≤ 400 characters, a value ≤ 80, at most 8 lines), in io-ts
// PathReporter's line format. Only MAX_FAILURE_TEXT is public (through decodeFailure.ts).

/**
 * The most characters the text of a failure holds: its {@link describeDecodeFailure}
 * line, and its `report` lines together. Whatever a frame carries (a 1 MB string,
 * an array of 100 000 items), a failure stays fit for a log line.
 *
 * @category Protocol
 */
export const MAX_FAILURE_TEXT = 1024;

/** Most lines of a report; the rest are counted in a last line. */
const MAX_REPORT_LINES = 8;
/** Longest report line; longer ones lose their middle (the end of a path names the field). */
export const MAX_LINE = 400;
/** Longest printed value (a string, an array, an object) in a report line. */
const MAX_VALUE = 80;
/** Longest printed codec name in a path. */
const MAX_TYPE_NAME = 100;
/** Containers printed inside a value before `[…]`/`{…}`. */
const MAX_VALUE_DEPTH = 3;

/** `text`, cut to `max` characters (an ellipsis ends a cut text). */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `text`, cut to `max` characters by removing its middle. */
export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor((max - 1) / 3);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/**
 * A short JSON-like rendering of any value, at most `max` characters: strings
 * and containers are cut, nesting below a few levels is elided. It never
 * throws and never recurses deeper than {@link MAX_VALUE_DEPTH}, whatever the value.
 */
export function preview(value: unknown, max: number = MAX_VALUE): string {
  const out = { text: '' };
  try {
    write(value, 0, out, max);
  } catch {
    out.text += '<unprintable>';
  }
  return truncate(out.text, max);
}

function write(v: unknown, depth: number, out: { text: string }, max: number): void {
  // The two bounds below (and the key's) save work only: preview cuts the text to max in the end,
  // so whether they stop at max or just past it, or not at all, the result is the same.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent in output, a work bound (see above)
  if (out.text.length > max) return;
  switch (typeof v) {
    case 'string':
      // Stryker disable next-line ConditionalExpression,EqualityOperator,MethodExpression,ArithmeticOperator: equivalent in output, a work bound (see above)
      out.text += JSON.stringify(v.length > max ? v.slice(0, max + 1) : v);
      return;
    case 'number':
      out.text += Number.isFinite(v) ? JSON.stringify(v) : String(v);
      return;
    case 'bigint':
      out.text += `${v}n`;
      return;
    case 'boolean':
    case 'undefined':
      out.text += String(v);
      return;
    case 'symbol':
      out.text += 'Symbol()';
      return;
    case 'function':
      out.text += '<function>';
      return;
  }
  if (v === null) {
    out.text += 'null';
    return;
  }
  const array = Array.isArray(v);
  if (depth >= MAX_VALUE_DEPTH) {
    out.text += array ? '[…]' : '{…}';
    return;
  }
  if (array) {
    out.text += '[';
    // Stryker disable next-line EqualityOperator,ConditionalExpression,LogicalOperator: the length test is a work bound, equivalent in output (see write)
    for (let i = 0; i < v.length && out.text.length <= max; i++) {
      if (i > 0) out.text += ',';
      write(v[i], depth + 1, out, max);
    }
    out.text += ']';
    return;
  }
  out.text += '{';
  let first = true;
  const record = v as Record<string, unknown>;
  for (const key in record) {
    // Stryker disable next-line EqualityOperator,ConditionalExpression: a work bound, equivalent in output (see write)
    if (out.text.length > max) break;
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    if (!first) out.text += ',';
    first = false;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,MethodExpression,ArithmeticOperator: equivalent in output, a work bound (see write)
    out.text += `${JSON.stringify(key.length > max ? key.slice(0, max + 1) : key)}:`;
    write(record[key], depth + 1, out, max);
  }
  out.text += '}';
}

/**
 * io-ts `PathReporter` lines for `errors`, bounded: each value is a
 * {@link preview}, each line at most {@link MAX_LINE} characters, at most
 * {@link MAX_REPORT_LINES} lines and {@link MAX_FAILURE_TEXT} characters in all
 * (joined with newlines). Never throws.
 */
export function reportErrors(errors: t.Errors): string[] {
  const lines: string[] = [];
  // the lines so far joined with newlines, and the newline before the next one
  let used = 0;
  for (let i = 0; i < errors.length; i++) {
    const rest = errors.length - i;
    let line: string;
    try {
      line = truncateMiddle(errorLine(errors[i] as t.ValidationError), MAX_LINE);
    } catch {
      line = 'Invalid value (unprintable)';
    }
    // leave room for the line that counts the errors not shown
    const room = MAX_FAILURE_TEXT - used - (rest > 1 ? 40 : 0);
    if (lines.length >= MAX_REPORT_LINES || line.length > room) {
      lines.push(`… and ${rest} more ${rest === 1 ? 'error' : 'errors'}`);
      return lines;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines;
}

function errorLine(e: t.ValidationError): string {
  if (e.message !== undefined) return e.message;
  const path = e.context.map(({ key, type }) => `${key}: ${truncate(type.name, MAX_TYPE_NAME)}`).join('/');
  return `Invalid value ${preview(e.value)} supplied to ${path}`;
}
