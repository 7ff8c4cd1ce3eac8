/**
 * The Redis commands of `astro-rx`: `bridge` runs a worker, `rooms` edits the
 * desired set, `consume` prints a stream as NDJSON. ioredis is loaded only here,
 * and only when one of them runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatMap, take } from 'rxjs';
import type { Redis as RedisClient } from 'ioredis';
import { addDesired, fromRedisStream, listDesired, removeDesired, startBridge } from '../redis';
import { EXIT } from './args';
import { REF_RE, tokenEnvName, type BridgeCommandOptions, type ConsumeCommandOptions, type RoomsCommandOptions } from './redisArgs';
import type { Streams } from './main';

async function connect(url: string, io: Streams): Promise<RedisClient | undefined> {
  let Redis: typeof import('ioredis').default;
  try {
    Redis = (await import('ioredis')).default;
  } catch {
    io.stderr.write('astro-rx: this command needs ioredis (npm install ioredis)\n');
    return undefined;
  }
  const redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch (e) {
    // the message names host and port, never the URL's password
    io.stderr.write(`astro-rx: cannot reach Redis (${(e as Error).message.replace(/\/\/[^@/]*@/g, '//***@')})\n`);
    redis.disconnect();
    return undefined;
  }
}

/** The bridge's `tokenFor`: `ASTRO_TOKEN_<REF>`, else the file named REF in `tokenDir`. */
export function tokenResolver(env: Record<string, string | undefined>, tokenDir: string | undefined, readFile: (path: string) => string) {
  return (ref: string): string | undefined => {
    const fromEnv = env[tokenEnvName(ref)]?.trim();
    if (fromEnv) return fromEnv;
    if (tokenDir === undefined || !REF_RE.test(ref)) return undefined;
    try {
      return readFile(join(tokenDir, ref)).trim() || undefined;
    } catch {
      return undefined;
    }
  };
}

export async function runBridgeCommand(options: BridgeCommandOptions, io: Streams, signal: AbortSignal): Promise<number> {
  const redis = await connect(options.redis, io);
  if (!redis) return EXIT.failure;
  const bridge = startBridge({
    redis,
    url: options.url,
    prefix: options.prefix,
    tokenFor: tokenResolver(io.env, options.tokenDir, (p) => readFileSync(p, 'utf8')),
    ...(options.workerId !== undefined ? { workerId: options.workerId } : {}),
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    ...(options.bufferSize !== undefined ? { bufferSize: options.bufferSize } : {}),
  });
  const sub = bridge.state$.subscribe((s) =>
    io.stderr.write(`bridge ${s.workerId}: ${s.status}, owns ${s.owned}, subscribed ${s.subscribed}, redis ${s.redis}, buffered ${s.buffered}, gateway ${s.connection}\n`),
  );
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  await bridge.stop();
  sub.unsubscribe();
  redis.disconnect();
  return EXIT.ok;
}

export async function runRoomsCommand(options: RoomsCommandOptions, io: Streams): Promise<number> {
  const redis = await connect(options.redis, io);
  if (!redis) return EXIT.failure;
  try {
    if (options.action === 'list') {
      for (const k of await listDesired(redis, options.prefix)) io.stdout.write(`${JSON.stringify({ topic: k.topic, room: k.room, tokenRef: k.ref })}\n`);
      return EXIT.ok;
    }
    const key = [{ topic: options.topic!, room: options.room!, ref: options.ref! }];
    const n = options.action === 'add' ? await addDesired(redis, key, options.prefix) : await removeDesired(redis, key, options.prefix);
    io.stdout.write(`${options.action === 'add' ? 'added' : 'removed'} ${n}\n`);
    return EXIT.ok;
  } finally {
    redis.disconnect();
  }
}

export async function runConsumeCommand(options: ConsumeCommandOptions, io: Streams, signal: AbortSignal): Promise<number> {
  const redis = await connect(options.redis, io);
  if (!redis) return EXIT.failure;
  const items = fromRedisStream({ redis, topic: options.topic, group: options.group, consumer: options.consumer, prefix: options.prefix, blockMs: 1000 });
  const done = await new Promise<number>((resolve) => {
    const sub = items
      .pipe(
        options.count !== undefined ? take(options.count) : (s) => s,
        concatMap(async (item) => {
          io.stdout.write(`${JSON.stringify({ streamId: item.streamId, ...item.event })}\n`);
          await item.ack();
        }),
      )
      .subscribe({ complete: () => resolve(EXIT.ok), error: () => resolve(EXIT.failure) });
    signal.addEventListener('abort', () => (sub.unsubscribe(), resolve(EXIT.ok)), { once: true });
  });
  redis.disconnect();
  return done;
}
