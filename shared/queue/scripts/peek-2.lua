--[[
  The next `count` jobs of one queue, in the order dequeue would take them. Runs the same housekeeping
  as dequeue first (reap expired leases, promote due retries), so the two orders agree.
  KEYS[1] dead      dead-letter sorted set
  KEYS[2] counters  hash of per-queue counters
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] queue
  ARGV[3] count
  ARGV[4] housekeeping limit
  ARGV[5..] the priorities, highest first
  Returns: server now, then per job 10 values: id, attempts, delivery, spec JSON, enqueuedAt, lastError,
  recorded failure trace (or false), queue, priority, maxAttempts.
]]
-- @include "keys"
-- @include "now"
-- @include "housekeep"

local prefix, queue = ARGV[1], ARGV[2]
local want = tonumber(ARGV[3])
local now = nowMs()
housekeep(prefix, KEYS[1], KEYS[2], queue, now, tonumber(ARGV[4]))
local out = { now }
local seen = 0
for i = 5, #ARGV do
  if seen >= want then break end
  local ids = redis.call('LRANGE', waitKey(prefix, queue, ARGV[i]), 0, want - seen - 1)
  for _, id in ipairs(ids) do
    local f = redis.call('HMGET', jobKey(prefix, id), 'd', 'a', 'l', 'e', 'err', 'tc', 'm')
    if f[1] then
      out[#out + 1] = id; out[#out + 1] = f[2]; out[#out + 1] = f[3] or 0
      out[#out + 1] = f[1]; out[#out + 1] = f[4]; out[#out + 1] = f[5]; out[#out + 1] = f[6]
      out[#out + 1] = queue; out[#out + 1] = ARGV[i]; out[#out + 1] = f[7]
      seen = seen + 1
    end
  end
end
return out
