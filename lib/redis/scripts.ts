/**
 * The bridge's Lua scripts. Each touches the keys of one topic only (one hash
 * tag), so it runs on Redis Cluster too. Lease values are `workerId/instance`;
 * the `held` record is `holder|lastRenewMs` and outlives a crashed holder's lease.
 */

/** Appends once per event id: `SET NX PX` on the id, `XADD … MAXLEN ~` only if the id is new. Returns the entry id or nil. */
export const APPEND = `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
end
return false`;

/** Takes a free lease (`SET NX PX`) or renews one's own. Returns {1, previous held record} when taken, {0} when held by another. */
export const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[4])
  return {1}
end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
local prev = redis.call('GET', KEYS[2])
redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[4])
if prev then return {1, prev} end
return {1}`;

/** Compare-and-renew: extends the lease only if the caller holds it. Returns 1 or 0. */
export const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[4])
  return 1
end
return 0`;

/**
 * Compare-and-delete: frees the lease only if the caller holds it. Handed over
 * (ARGV[2] = '1'): the held record goes too; otherwise it stays, so that the
 * next holder appends a gap marker. Returns 1 or 0.
 */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  if ARGV[2] == '1' then
    redis.call('DEL', KEYS[2])
  else
    redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[4])
  end
  return 1
end
return 0`;

export const SCRIPTS = { astroAppend: APPEND, astroAcquire: ACQUIRE, astroRenew: RENEW, astroRelease: RELEASE } as const;
export type ScriptName = keyof typeof SCRIPTS;
