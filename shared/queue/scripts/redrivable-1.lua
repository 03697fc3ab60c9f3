--[[
  Finds dead-lettered jobs due for an automatic redrive, oldest first: dead for at least the delay, and
  requeued fewer than the maximum times. Exhausted jobs are stepped over, however many sit at the head.
  KEYS[1] dead      dead-letter sorted set (score: when the job died, ms)
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] delay, ms (a job must have been dead this long)
  ARGV[3] maxRedrives
  ARGV[4] limit     most ids to return
  ARGV[5] offset    where in the due range to start (0, then what the previous call returned)
  ARGV[6] scan      most entries to examine in this call, so one call never blocks Redis long
  Returns: the next offset (-1 when the due range is exhausted), then the ids found.
]]
-- @include "keys"
-- @include "now"

local prefix = ARGV[1]
local dueBy = nowMs() - tonumber(ARGV[2])
local maxRedrives, limit = tonumber(ARGV[3]), tonumber(ARGV[4])
local offset, scan = tonumber(ARGV[5]), tonumber(ARGV[6])
local found = {}
local examined = 0
while #found < limit and examined < scan do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', dueBy, 'LIMIT', offset, math.min(100, scan - examined))
  if #ids == 0 then return { -1, unpack(found) } end
  for _, id in ipairs(ids) do
    examined = examined + 1
    offset = offset + 1
    local requeues = tonumber(redis.call('HGET', jobKey(prefix, id), 'r') or '0')
    if requeues < maxRedrives then
      found[#found + 1] = id
      if #found == limit then break end
    end
  end
end
return { offset, unpack(found) }
