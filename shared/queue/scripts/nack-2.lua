--[[
  Fails attempts: each job is scheduled for retry after its delay, or dead-lettered when out of attempts
  or not retryable. No consumer sleeps while holding a job: the delay lives in the delayed set.
  KEYS[1] dead      dead-letter sorted set
  KEYS[2] counters  hash of per-queue counters
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2..] per job, 5 values: id, delivery (the lease token), delay ms, kind of failure ('error',
                    'timeout': retryable; 'non_retryable'), error message
  Returns per job, 2 values: outcome (1 retry, 2 dead-lettered, 0 lease lost), time of the retry (ms) or 0
  A queue with a concurrency limit is woken: a slot came free for the consumers it held back.
]]
-- @include "keys"
-- @include "now"
-- @include "fail"

local prefix = ARGV[1]
local now = nowMs()
local out = {}
local freed = {}

for i = 2, #ARGV, 5 do
  local id, token, delay = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local f = redis.call('HMGET', jobKey(prefix, id), 'l', 'q', 'p', 'm', 'a')
  if f[1] == token and redis.call('ZREM', activeKey(prefix, f[2]), id) == 1 then
    local kind = ARGV[i + 3]
    local outcome = failAttempt(prefix, KEYS[1], KEYS[2], id, f[2], f[3], tonumber(f[5]), tonumber(f[4]),
      ARGV[i + 4], kind, kind ~= 'non_retryable', delay, now)
    out[#out + 1] = outcome
    out[#out + 1] = outcome == 1 and now + delay or 0
    freed[f[2]] = true
  else
    out[#out + 1] = 0
    out[#out + 1] = 0
  end
end
for queue in pairs(freed) do
  if redis.call('HEXISTS', controlsKey(prefix, queue), 'concurrency') == 1 then wake(prefix, queue) end
end
return out
