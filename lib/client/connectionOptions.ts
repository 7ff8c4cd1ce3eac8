import type { SchedulerLike } from 'rxjs';
import type { ConnectionConfig } from '../connection/connect';
import type { Logger, LogLevel, SafeLogger } from '../util/logger';
import type { AstroClientOptions } from './types';

/** The connection options a client's options imply (without intents and sinks). @internal */
export function connectionOptions(
  options: AstroClientOptions,
  url: string,
  scheduler: SchedulerLike,
  log: SafeLogger,
): Omit<ConnectionConfig, 'intents' | 'tokenOf' | 'onMessage'> {
  const random = options.random ?? Math.random;
  return {
    url,
    ...(options.WebSocketCtor ? { WebSocketCtor: options.WebSocketCtor } : {}),
    ...(options.openSocket ? { openSocket: options.openSocket } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    backoff: { ...options.backoff, random },
    ...(options.reconnectFloorMs !== undefined ? { reconnectFloorMs: options.reconnectFloorMs } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.subscribeRetries !== undefined ? { subscribeRetries: options.subscribeRetries } : {}),
    ...(options.rateLimitPauseMs !== undefined ? { rateLimitPauseMs: options.rateLimitPauseMs } : {}),
    ...(options.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {}),
    ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
    validatePayloads: options.validatePayloads ?? false,
    ...(options.nonce ? { nonce: options.nonce } : {}),
    scheduler,
    ...forwardLogger(options.logger, log),
  };
}

/**
 * The connection logs through the client's logger (which already knows and
 * redacts every token), at the levels the user's logger has. Without one the
 * connection gets none, so it formats and redacts no line that nobody reads.
 */
function forwardLogger(user: Logger | undefined, log: SafeLogger): { logger?: Logger } {
  if (!user) return {};
  const logger: { -readonly [L in LogLevel]?: Logger[L] } = {};
  for (const level of ['debug', 'info', 'warn'] as const) {
    if (typeof user[level] === 'function') logger[level] = (message, meta) => log.log(level, message, meta);
  }
  return { logger };
}
