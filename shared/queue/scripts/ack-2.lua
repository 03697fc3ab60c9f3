--[[
  Acknowledges completed jobs: out of the active set into the bounded completed history.
  KEYS[1] done      completed-history sorted set
  KEYS[2] counters  hash of per-queue counters
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] history: most completed jobs kept
  ARGV[3] history: most age kept, ms (0 = no limit)
  ARGV[4] history: most records trimmed by age per call (and twice that, plus the jobs acked, by count)
  ARGV[5..] per job, 3 values: job id, delivery (the lease token), result: '' for none, the processor's
            result as JSON, or `#` and why it was not kept (JSON never starts with `#`)
  Returns per job: 1 acknowledged, 0 lease lost (reaped, or redelivered to another consumer).
  A queue with a concurrency limit is woken: a slot came free for the consumers it held back.
]]
-- @include "keys"
-- @include "now"
-- @include "chunked"
-- @include "wake"

local prefix = ARGV[1]
local keepCount = tonumber(ARGV[2])
local keepAge = tonumber(ARGV[3])
local trimLimit = tonumber(ARGV[4])
local now = nowMs()
local out = {}
local perQueue = {}

local done = {}
for i = 5, #ARGV, 3 do
  local id = ARGV[i]
  local jk = jobKey(prefix, id)
  local f = redis.call('HMGET', jk, 'l', 'q')
  if f[1] == ARGV[i + 1] and redis.call('ZREM', activeKey(prefix, f[2]), id) == 1 then
    local result = ARGV[i + 2]
    if result ~= '' then
      if string.byte(result, 1) == 35 then redis.call('HSET', jk, 'rx', string.sub(result, 2)) -- '#'
      else redis.call('HSET', jk, 'res', result) end
    end
    done[#done + 1] = now
    done[#done + 1] = id
    perQueue[f[2]] = (perQueue[f[2]] or 0) + 1
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #done > 0 then callChunked('ZADD', KEYS[1], done, 2) end
for queue, n in pairs(perQueue) do
  redis.call('HINCRBY', KEYS[2], queue .. ':completed', n)
  if redis.call('HEXISTS', controlsKey(prefix, queue), 'concurrency') == 1 then wake(prefix, queue) end
end

-- Keep the history bounded: by count, then by age. Records are deleted with one variadic DEL.
local function forget(ids, step)
  local doomed = {}
  for i = 1, #ids, step do doomed[#doomed + 1] = jobKey(prefix, ids[i]) end
  callChunked('DEL', false, doomed, 1)
end
-- A large excess (the limit was lowered) is trimmed over several calls, never all at once.
local excess = math.min(redis.call('ZCARD', KEYS[1]) - keepCount, 2 * trimLimit + #done / 2)
if excess > 0 then forget(redis.call('ZPOPMIN', KEYS[1], excess), 2) end
if keepAge > 0 then
  local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - keepAge, 'LIMIT', 0, trimLimit)
  if #old > 0 then
    callChunked('ZREM', KEYS[1], old, 1)
    forget(old, 1)
  end
end
return out
