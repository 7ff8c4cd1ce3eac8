import type { SchedulerLike } from 'rxjs';
import type { ConnectionConfig } from '../connection/connect';
import { SEES_UPGRADE_STATUS } from '../transport/defaultWebSocket';
import type { SafeLogger } from '../util/logger';
import type { AstroClientOptions } from './types';

/** The connection options a client's options imply (without intents and sinks). @internal */
export function connectionOptions(
  options: AstroClientOptions,
  url: string,
  scheduler: SchedulerLike,
  logger: SafeLogger,
): Omit<ConnectionConfig, 'intents' | 'tokenOf' | 'onMessage'> {
  const random = options.random ?? Math.random;
  // A 429 looks like close 1006 where the transport cannot see the upgrade's HTTP status (browsers).
  const ctor = options.WebSocketCtor as { prototype?: { on?: unknown } } | undefined;
  const seesStatus = options.openSocket !== undefined || (ctor === undefined ? SEES_UPGRADE_STATUS : typeof ctor.prototype?.on === 'function');
  return {
    url,
    ...(options.WebSocketCtor ? { WebSocketCtor: options.WebSocketCtor } : {}),
    ...(options.openSocket ? { openSocket: options.openSocket } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    backoff: { ...options.backoff, random },
    reconnectFloorMs: options.reconnectFloorMs ?? (seesStatus ? 0 : 2000),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.subscribeRetries !== undefined ? { subscribeRetries: options.subscribeRetries } : {}),
    ...(options.rateLimitPauseMs !== undefined ? { rateLimitPauseMs: options.rateLimitPauseMs } : {}),
    ...(options.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {}),
    ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
    validatePayloads: options.validatePayloads ?? false,
    ...(options.nonce ? { nonce: options.nonce } : {}),
    scheduler,
    logger,
  };
}
