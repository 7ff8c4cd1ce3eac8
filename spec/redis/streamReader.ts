/** Reads a whole bridged stream back for the specs' checks. */
import type Redis from 'ioredis';
import { fromFields, type RedisStreamEvent } from '../../lib/redis/entries';

export async function readStream(redis: Redis, key: string): Promise<Array<RedisStreamEvent<string> & { streamId: string }>> {
  const out: Array<RedisStreamEvent<string> & { streamId: string }> = [];
  let start = '-';
  for (;;) {
    const batch = await redis.xrange(key, start, '+', 'COUNT', 5000);
    for (const [id, fields] of batch) {
      const e = fromFields(fields);
      if (e) out.push({ ...e, streamId: id });
    }
    if (batch.length < 5000) return out;
    start = `(${batch[batch.length - 1]![0]}`;
  }
}
