/**
 * A consumer of a bridged stream as a child process of the Redis specs:
 * prints `{"delivered":id}` when an entry arrives and `{"acked":id,"first":bool}`
 * once it is acked (after ACK_DELAY_MS of "work"). Configured by REDIS_URL,
 * CONSUMER, ACK_DELAY_MS.
 */
import Redis from 'ioredis';
import { concatMap } from 'rxjs';
import { fromRedisStream } from '../../lib/redis';

const redis = new Redis(process.env['REDIS_URL']!, { maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);
const delay = Number(process.env['ACK_DELAY_MS'] ?? '0');
fromRedisStream({ redis, topic: 'channel.tips', group: 'g', consumer: process.env['CONSUMER']!, claimIdleMs: 500, maxInFlight: 10, blockMs: 200 })
  .pipe(
    concatMap(async (item) => {
      process.stdout.write(`${JSON.stringify({ delivered: item.streamId })}\n`);
      await new Promise((r) => setTimeout(r, delay));
      const first = await item.ack();
      process.stdout.write(`${JSON.stringify({ acked: item.streamId, first })}\n`);
    }),
  )
  .subscribe();
