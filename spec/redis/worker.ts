/**
 * A bridge worker as a child process of the Redis specs. Configured by the
 * environment (REDIS_URL, ASTRO_URL, WORKER_ID, LEASE_MS, BRIDGE_PREFIX,
 * BUFFER_SIZE, ASTRO_TOKEN_<REF>); prints its state as NDJSON on stdout; stops
 * gracefully on SIGTERM.
 */
import Redis from 'ioredis';
import { startBridge } from '../../lib/redis';

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`worker: ${name} is not set`);
  return v;
};

const redis = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);
const bridge = startBridge({
  redis,
  url: env('ASTRO_URL'),
  workerId: env('WORKER_ID'),
  leaseMs: Number(env('LEASE_MS', '1000')),
  prefix: env('BRIDGE_PREFIX', 'astro'),
  bufferSize: Number(env('BUFFER_SIZE', '10000')),
  tokenFor: (ref) => process.env[`ASTRO_TOKEN_${ref.toUpperCase()}`],
  rateLimit: { burst: 1000, intervalMs: 5, reserve: 2 },
  backoff: { initialDelayMs: 50, maxDelayMs: 500 },
});
bridge.state$.subscribe((s) => process.stdout.write(`${JSON.stringify({ state: s })}\n`));
process.once('SIGTERM', () => {
  void bridge.stop().then(() => {
    redis.disconnect();
    process.exit(0);
  });
});
