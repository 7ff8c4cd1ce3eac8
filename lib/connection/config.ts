import { assertNumber } from '../policies/assertConfig';
import { resolveBackoffConfig } from '../policies/backoffDelay';
import { defaultNonce } from '../policies/nonce';
import type { ConnectionConfig } from './connect';
import type { MachineConfig } from './machine';
import { SEES_UPGRADE_STATUS } from '../transport/defaultWebSocket';

/**
 * Whether the transport sees the HTTP status of a refused upgrade: `ws` in Node
 * does; a browser sees a 429 only as close 1006. A custom `openSocket` is trusted to.
 */
function seesUpgradeStatus(config: ConnectionConfig): boolean {
  if (config.openSocket) return true;
  const ctor = config.WebSocketCtor as { prototype?: { on?: unknown } } | undefined;
  return ctor === undefined ? SEES_UPGRADE_STATUS : typeof ctor.prototype?.on === 'function';
}

/** Checks a {@link ConnectionConfig} and fills in the defaults of the machines. @internal */
export function resolveConnectionConfig(config: ConnectionConfig): MachineConfig {
  const burst = config.rateLimit?.burst ?? 100;
  const intervalMs = config.rateLimit?.intervalMs ?? 100;
  const reserveOption = config.rateLimit?.reserve ?? 2;
  assertNumber('connect', 'rateLimit.burst', burst, { min: 1, integer: true });
  assertNumber('connect', 'rateLimit.intervalMs', intervalMs, { above: 0 });
  assertNumber('connect', 'rateLimit.reserve', reserveOption, { min: 0, integer: true });
  // (an integer burst >= 1 less an integer reserve of at most burst - 1 leaves a valid bucket: at least one command)
  const reserve = Math.min(reserveOption, burst - 1);
  const bucket = { burst: burst - reserve, intervalMs };
  const requestTimeoutMs = config.requestTimeoutMs ?? 10_000;
  const rateLimitPauseMs = config.rateLimitPauseMs ?? 1000;
  const subscribeRetries = config.subscribeRetries ?? 5;
  const minUptimeMs = config.backoff?.minUptimeMs ?? 5000;
  const blindFloorMs = config.reconnectFloorMs ?? (seesUpgradeStatus(config) ? 0 : 2000);
  assertNumber('connect', 'requestTimeoutMs', requestTimeoutMs, { above: 0 });
  assertNumber('connect', 'rateLimitPauseMs', rateLimitPauseMs, { min: 0 });
  assertNumber('connect', 'subscribeRetries', subscribeRetries, { min: 0, integer: true });
  assertNumber('connect', 'heartbeatTimeoutMs', config.heartbeatTimeoutMs ?? 0, { min: 0 });
  assertNumber('connect', 'backoff.minUptimeMs', minUptimeMs, { min: 0 });
  assertNumber('connect', 'reconnectFloorMs', blindFloorMs, { min: 0 });
  assertNumber('connect', 'dedupeWindow', config.dedupeWindow ?? 10_000, { min: 1, integer: true });
  const backoff = resolveBackoffConfig(config.backoff, 'backoff');
  const nonce = config.nonce ?? defaultNonce;
  return {
    links: { backoff, minUptimeMs, blindFloorMs },
    outbox: { bucket, requestTimeoutMs, rateLimitPauseMs, maxAttempts: subscribeRetries + 1, backoff, nonce: () => nonce() },
  };
}
