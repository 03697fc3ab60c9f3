--[[
  Removes up to `limit` dead-lettered jobs (records included), oldest first, that died at or before `upTo`
  (so a purge racing new failures ends). Called in chunks.
  KEYS[1] dead      dead-letter sorted set
  KEYS[2] counters  hash of per-queue counters
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] limit
  ARGV[3] upTo, ms ('' = now: the first call of a purge)
  Returns: removed in this call, matching jobs left, upTo (to pass to the next call).
]]
-- @include "keys"
-- @include "now"

local prefix = ARGV[1]
local upTo = ARGV[3] ~= '' and tonumber(ARGV[3]) or nowMs()
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', upTo, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  local jk = jobKey(prefix, id)
  local queue = redis.call('HGET', jk, 'q')
  if queue then redis.call('HINCRBY', KEYS[2], queue .. ':purged', 1) end
  redis.call('UNLINK', jk)
end
if #ids > 0 then redis.call('ZREM', KEYS[1], unpack(ids)) end
return { #ids, redis.call('ZCOUNT', KEYS[1], '-inf', upTo), upTo }
