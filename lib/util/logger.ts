import { redact } from '../errors/redact';

/**
 * Where astro-rx writes what it does. Silent by default; pass `console` or
 * your own logger. Tokens and reconnect tokens are removed before a line
 * reaches it.
 *
 * @category Client
 */
export interface Logger {
  /** Details: sockets opened, canonical rooms, ignored frames, failed commands before their retry. */
  debug?(message: string, meta?: Record<string, unknown>): void;
  /** Connections, token handovers, wake-ups, subscribe retries, the end of a gap. */
  info?(message: string, meta?: Record<string, unknown>): void;
  /** Lost connections, refused reconnect tokens, rate limits, decode failures, failed subscriptions. */
  warn?(message: string, meta?: Record<string, unknown>): void;
  /** Not used by astro-rx today; accepted so that any console-like logger fits. */
  error?(message: string, meta?: Record<string, unknown>): void;
}

/** @internal */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** @internal A logger that never throws and redacts every known secret from messages and metadata. */
export interface SafeLogger {
  log(level: LogLevel, message: string, meta?: Record<string, unknown>): void;
  /**
   * Adds one reference to a secret (a token) to redact from now on. It stays
   * redacted until {@link SafeLogger.removeSecret} has been called as often as
   * `addSecret`. Secrets shorter than 4 characters are ignored, as in `redact`.
   */
  addSecret(secret: string): void;
  /**
   * Drops one reference taken by {@link SafeLogger.addSecret}; at zero the
   * secret is forgotten (a rotated token no longer costs memory or time).
   * Removing a secret that is not held does nothing.
   */
  removeSecret(secret: string): void;
  /** `text` without any known secret or token-shaped string. */
  scrub(text: string): string;
  /** @internal How many distinct secrets are held; for tests. */
  secretCount(): number;
}

/**
 * Wraps `logger` (or nothing) in a {@link SafeLogger}. `secrets` are added
 * once each, as by `addSecret`; the logger keeps its own counted copy, so
 * changing the collection afterwards changes nothing.
 *
 * @internal
 */
export function safeLogger(logger: Logger | undefined, secrets: Iterable<string> = []): SafeLogger {
  const known = secretSet();
  for (const secret of secrets) known.add(secret);
  const clean = (text: string) => redact(known.strip(text));
  return {
    addSecret: (secret) => known.add(secret),
    removeSecret: (secret) => known.remove(secret),
    secretCount: () => known.size(),
    scrub: clean,
    log(level, message, meta) {
      const fn = logger?.[level];
      if (!fn) return;
      try {
        const cleanMeta = meta === undefined ? undefined : (JSON.parse(clean(JSON.stringify(meta, safeReplacer))) as Record<string, unknown>);
        if (cleanMeta === undefined) fn.call(logger, clean(message));
        else fn.call(logger, clean(message), cleanMeta);
      } catch {
        // a logger must never break the client
      }
    },
  };
}

/** Shorter secrets are not redacted: they would mangle ordinary text (the rule of `redact`). */
const MIN_SECRET_LENGTH = 4;

/** The counted secrets of one logger. */
interface SecretSet {
  add(secret: string): void;
  remove(secret: string): void;
  size(): number;
  /** `text` with every occurrence of every secret replaced by `[redacted]`. */
  strip(text: string): string;
}

/**
 * Secrets are indexed by their first {@link MIN_SECRET_LENGTH} characters,
 * then by length, then by value. `strip` looks up each position of the text
 * once and, where a head matches, checks one substring per distinct length
 * under that head: the cost follows the text and the number of distinct
 * lengths, never the number of secrets. Secrets that share a head (JWTs share
 * their header) or a tail cost nothing extra. Overlapping matches are merged,
 * so no fragment of one secret survives the redaction of another.
 */
function secretSet(): SecretSet {
  const counts = new Map<string, number>();
  const byHead = new Map<string, Map<number, Set<string>>>();
  const headOf = (secret: string) => secret.slice(0, MIN_SECRET_LENGTH);
  return {
    add(secret) {
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return;
      const count = counts.get(secret) ?? 0;
      counts.set(secret, count + 1);
      if (count > 0) return;
      const head = headOf(secret);
      let byLength = byHead.get(head);
      if (!byLength) byHead.set(head, (byLength = new Map()));
      const same = byLength.get(secret.length);
      if (same) same.add(secret);
      else byLength.set(secret.length, new Set([secret]));
    },
    remove(secret) {
      const count = counts.get(secret);
      if (count === undefined) return;
      if (count > 1) {
        counts.set(secret, count - 1);
        return;
      }
      counts.delete(secret);
      const head = headOf(secret);
      const byLength = byHead.get(head);
      const same = byLength?.get(secret.length);
      same?.delete(secret);
      if (same?.size === 0) byLength?.delete(secret.length);
      if (byLength?.size === 0) byHead.delete(head);
    },
    size: () => counts.size,
    strip(text) {
      if (counts.size === 0) return text;
      // [start, end) of each redacted run, merged as found: starts only grow
      const runs: Array<[start: number, end: number]> = [];
      for (let start = 0; start + MIN_SECRET_LENGTH <= text.length; start++) {
        const byLength = byHead.get(text.slice(start, start + MIN_SECRET_LENGTH));
        if (!byLength) continue;
        let end = start;
        for (const [length, same] of byLength) {
          if (start + length > end && start + length <= text.length && same.has(text.slice(start, start + length))) end = start + length;
        }
        if (end === start) continue;
        const last = runs[runs.length - 1];
        if (last && start <= last[1]) last[1] = Math.max(last[1], end);
        else runs.push([start, end]);
      }
      let out = '';
      let cursor = 0;
      for (const [start, end] of runs) {
        out += `${text.slice(cursor, start)}[redacted]`;
        cursor = end;
      }
      return out + text.slice(cursor);
    },
  };
}

function safeReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as Error & { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return value;
}
