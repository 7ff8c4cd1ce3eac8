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
  /** Adds a secret (a token) to redact from now on. */
  addSecret(secret: string): void;
  /** `text` without any known secret or token-shaped string. */
  scrub(text: string): string;
}

/** @internal */
export function safeLogger(logger: Logger | undefined, secrets: Set<string> = new Set()): SafeLogger {
  return {
    addSecret(secret) {
      if (secret) secrets.add(secret);
    },
    scrub: (text) => redact(text, secrets),
    log(level, message, meta) {
      const fn = logger?.[level];
      if (!fn) return;
      try {
        const cleanMeta = meta === undefined ? undefined : (JSON.parse(redact(JSON.stringify(meta, safeReplacer), secrets)) as Record<string, unknown>);
        if (cleanMeta === undefined) fn.call(logger, redact(message, secrets));
        else fn.call(logger, redact(message, secrets), cleanMeta);
      } catch {
        // a logger must never break the client
      }
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
