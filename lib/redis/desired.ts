/** Edits of the desired set (what the CLI's `rooms` command and applications call). */
import { keyId, parseKeyId, redisKeys, type DesiredKey } from './keys';
import type { RedisLike } from './connection';
import { AstroError } from '../errors/astroError';

function check(key: DesiredKey): DesiredKey {
  if (typeof key.topic !== 'string' || key.topic === '' || typeof key.room !== 'string' || typeof key.ref !== 'string' || key.ref === '') {
    throw new AstroError('invalid_argument', 'a desired key needs a topic, a room (a string, "" for the global room) and a token reference');
  }
  return key;
}

/** Adds keys to the desired set; resolves with how many were new. @category Redis */
export async function addDesired(redis: RedisLike, keys: readonly DesiredKey[], prefix = 'astro'): Promise<number> {
  if (keys.length === 0) return 0;
  return redis.sadd(redisKeys(prefix).desired, ...keys.map((k) => keyId(check(k))));
}

/** Removes keys from the desired set; resolves with how many were there. @category Redis */
export async function removeDesired(redis: RedisLike, keys: readonly DesiredKey[], prefix = 'astro'): Promise<number> {
  if (keys.length === 0) return 0;
  return redis.srem(redisKeys(prefix).desired, ...keys.map((k) => keyId(check(k))));
}

/** The desired set, sorted by topic, room and reference. @category Redis */
export async function listDesired(redis: RedisLike, prefix = 'astro'): Promise<DesiredKey[]> {
  const members = await redis.smembers(redisKeys(prefix).desired);
  return members
    .map(parseKeyId)
    .filter((k): k is DesiredKey => k !== undefined)
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.room.localeCompare(b.room) || a.ref.localeCompare(b.ref));
}
