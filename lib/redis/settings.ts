/** The options of `startBridge`, checked and with their defaults. */
import { AstroError } from '../errors/astroError';
import type { BridgeOptions } from './types';

export function bridgeSettings(options: BridgeOptions, defaults: { workerId: string; instanceId: string }) {
  const {
    redis,
    tokenFor,
    workerId = defaults.workerId,
    leaseMs = 10_000,
    maxLen = 100_000,
    bufferSize = 10_000,
    dedupeWindowMs = 600_000,
    prefix = 'astro',
    stopTimeoutMs,
    instanceId = defaults.instanceId,
    scheduler: _scheduler,
    ...clientOptions
  } = options;
  if (redis === null || typeof redis !== 'object') throw new AstroError('invalid_argument', 'startBridge: redis must be an ioredis client');
  if (typeof tokenFor !== 'function') throw new AstroError('invalid_argument', 'startBridge: tokenFor must be a function from a token reference to a token');
  if (typeof workerId !== 'string' || !/^[\w.:-]{1,100}$/.test(workerId)) throw new AstroError('invalid_argument', 'startBridge: workerId must be 1 to 100 letters, digits, _ . : or -');
  if (typeof prefix !== 'string' || !/^[\w.:-]{1,50}$/.test(prefix)) throw new AstroError('invalid_argument', 'startBridge: prefix must be 1 to 50 letters, digits, _ . : or -');
  for (const [name, value, min] of [['leaseMs', leaseMs, 100], ['maxLen', maxLen, 1], ['bufferSize', bufferSize, 1], ['dedupeWindowMs', dedupeWindowMs, 1000]] as const) {
    if (!Number.isInteger(value) || value < min) throw new AstroError('invalid_argument', `startBridge: ${name} must be an integer of at least ${min}, got ${String(value)}`);
  }
  return {
    redis,
    tokenFor,
    workerId,
    holder: `${workerId}/${instanceId}`,
    leaseMs,
    maxLen,
    bufferSize,
    dedupeWindowMs,
    prefix,
    stopTimeoutMs: stopTimeoutMs ?? 2 * leaseMs,
    /** A held record outlives its lease by a day: long enough for any takeover to see it. */
    heldTtlMs: leaseMs + 86_400_000,
    subscribeRetryMs: Math.max(5 * leaseMs, 5000),
    clientOptions,
  };
}
