/**
 * `astro-rx/redis`: scale-out through Redis Streams (Node only; needs the
 * optional peer dependency `ioredis`). Bridge workers share a desired set of
 * subscriptions kept in Redis and append every event, once, to one stream per
 * topic; consumers read the streams in consumer groups. See docs/redis-bridge.md.
 *
 * @packageDocumentation
 * @module astro-rx/redis
 */
export { startBridge } from './startBridge';
export type { Bridge, BridgeOptions, BridgeState, BridgeMetrics } from './types';
export type { TokenFor } from './subscriptions';
export type { RedisLike } from './connection';
export { fromRedisStream } from './fromRedisStream';
export type { RedisStreamOptions, RedisStreamItem } from './fromRedisStream';
export type { RedisStreamEvent, RedisMessage, RedisGapMarker } from './entries';
export { addDesired, removeDesired, listDesired } from './desired';
export { redisKeys } from './keys';
export type { DesiredKey } from './keys';
