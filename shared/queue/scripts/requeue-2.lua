--[[
  Moves dead-lettered jobs back to the tail of their queue with fresh attempts (their failure records
  stay, and so does the delivery counter: old lease tokens must stay invalid).
  KEYS[1] dead      dead-letter sorted set
  KEYS[2] counters  hash of per-queue counters
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] mode      'ids' (ARGV[5..] are the ids) or 'all' (the oldest `limit` that died at or before
                    ARGV[5], ms; '' = now, for the first call)
  ARGV[3] limit
  ARGV[4] delay, ms: 0 puts the jobs in their waiting list; more puts them in the delayed set, due then
  Returns: requeued count, then (mode 'ids') the ids that were not dead-lettered, or (mode 'all') the
  number of matching jobs left, upTo (to pass to the next call) and how many ids were handled in all
  (requeued, or dropped because their record was gone).
]]
-- @include "keys"
-- @include "now"
-- @include "wake"

local prefix, mode = ARGV[1], ARGV[2]
local delay = tonumber(ARGV[4])
local now = nowMs()
local ids, upTo
if mode == 'all' then
  upTo = ARGV[5] ~= '' and tonumber(ARGV[5]) or now
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', upTo, 'LIMIT', 0, tonumber(ARGV[3]))
else
  ids = {}
  for i = 5, #ARGV do ids[#ids + 1] = ARGV[i] end
end
local requeued, missing = 0, {}
for _, id in ipairs(ids) do
  local jk = jobKey(prefix, id)
  local f = redis.call('HMGET', jk, 'q', 'p')
  if f[1] and redis.call('ZREM', KEYS[1], id) == 1 then
    redis.call('HSET', jk, 'a', 0, 'e', now)
    redis.call('HDEL', jk, 'why')
    redis.call('HINCRBY', jk, 'r', 1)
    if delay > 0 then
      redis.call('ZADD', delayedKey(prefix, f[1]), now + delay, id)
    else
      redis.call('RPUSH', waitKey(prefix, f[1], f[2]), id)
    end
    redis.call('HINCRBY', KEYS[2], f[1] .. ':requeued', 1)
    wake(prefix, f[1])
    requeued = requeued + 1
  else
    if not f[1] then redis.call('ZREM', KEYS[1], id) end -- a record lost to a purge: drop the dangling id
    missing[#missing + 1] = id
  end
end
if mode == 'all' then return { requeued, redis.call('ZCOUNT', KEYS[1], '-inf', upTo), upTo, #ids } end
local out = { requeued }
for _, id in ipairs(missing) do out[#out + 1] = id end
return out
