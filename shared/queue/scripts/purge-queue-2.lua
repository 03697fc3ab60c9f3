--[[
  Removes up to `limit` waiting and delayed jobs of one queue (records included). Jobs in flight are left
  to finish. Called in chunks so no single call blocks Redis for long.
  KEYS[1] counters  hash of per-queue counters
  KEYS[2] queues    set of queue names
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] queue
  ARGV[3] limit
  ARGV[4..] the priorities
  Returns: removed in this call, waiting and delayed jobs left.
]]
-- @include "keys"

local prefix, queue = ARGV[1], ARGV[2]
local budget = tonumber(ARGV[3])
local removed = 0
local function drop(ids)
  for _, id in ipairs(ids) do redis.call('UNLINK', jobKey(prefix, id)) end
  removed = removed + #ids
  budget = budget - #ids
end
for i = 4, #ARGV do
  if budget > 0 then
    local ids = redis.call('LPOP', waitKey(prefix, queue, ARGV[i]), budget)
    if ids then drop(ids) end
  end
end
local dk = delayedKey(prefix, queue)
if budget > 0 then
  local ids = redis.call('ZRANGE', dk, 0, budget - 1)
  if #ids > 0 then redis.call('ZREM', dk, unpack(ids)); drop(ids) end
end
if removed > 0 then redis.call('HINCRBY', KEYS[1], queue .. ':purged', removed) end
local left = redis.call('ZCARD', dk)
for i = 4, #ARGV do left = left + redis.call('LLEN', waitKey(prefix, queue, ARGV[i])) end
return { removed, left }
