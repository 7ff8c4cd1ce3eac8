import type { SchedulerLike } from 'rxjs';
import type { ConnectionConfig } from '../connection/connect';
import type { SafeLogger } from '../util/logger';
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
    // the client's own logger already knows and redacts every token
    logger: { debug: (m, meta) => log.log('debug', m, meta), info: (m, meta) => log.log('info', m, meta), warn: (m, meta) => log.log('warn', m, meta) },
  };
}
