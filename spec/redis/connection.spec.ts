/** The bridge's duplicates of the caller's connection: fail-fast options reach where ioredis reads them. */
import Redis, { Cluster } from 'ioredis';
import { duplicate } from '../../lib/redis/connection';

const FAIL_FAST = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };

describe('duplicate()', () => {
  it('passes the options to a standalone client', () => {
    const redis = new Redis({ lazyConnect: true, port: 1 });
    const d = duplicate(redis, FAIL_FAST) as Redis;
    expect(d.options).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 1, port: 1 });
    d.disconnect();
    redis.disconnect();
  });

  it('puts per-node options of a Cluster into its redisOptions, keeping the caller’s', () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true, redisOptions: { username: 'u', connectTimeout: 1234 } });
    const d = duplicate(cluster, FAIL_FAST) as Cluster;
    expect(d.options.enableOfflineQueue).toBe(false);
    expect(d.options.redisOptions).toMatchObject({ username: 'u', connectTimeout: 1234, maxRetriesPerRequest: 1 });
    expect((d.options as Record<string, unknown>)['maxRetriesPerRequest']).toBeUndefined();
    // the caller's Cluster is left as it was
    expect(cluster.options.redisOptions).not.toHaveProperty('maxRetriesPerRequest');
    d.disconnect();
    cluster.disconnect();
  });
});
