--[[
  Changes one queue's controls and answers them as they now are.
  KEYS[1] queues    set of queue names (the queue joins it, so stats shows a controlled queue at once)
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] queue
  ARGV[3] operation:
          pause   ARGV[4] the pause record (JSON: reason, at, by)
          resume
          limits  ARGV[4] concurrency ('' none), ARGV[5] rate ('' none), ARGV[6] per ms (with a rate)
  Returns: changed (1|0: a pause of a paused queue, a resume of a running one change nothing), then the
  controls hash's pairs. Resuming and changing limits wake the queue's blocked consumers.
]]
-- @include "keys"
-- @include "wake"

local prefix, queue, op = ARGV[1], ARGV[2], ARGV[3]
local ck = controlsKey(prefix, queue)
local changed = 1
redis.call('SADD', KEYS[1], queue)
if op == 'pause' then
  if redis.call('HEXISTS', ck, 'paused') == 1 then changed = 0 else redis.call('HSET', ck, 'paused', ARGV[4]) end
elseif op == 'resume' then
  changed = redis.call('HDEL', ck, 'paused')
  wake(prefix, queue)
elseif op == 'limits' then
  redis.call('HDEL', ck, 'concurrency', 'rate', 'per')
  if ARGV[4] ~= '' then redis.call('HSET', ck, 'concurrency', ARGV[4]) end
  if ARGV[5] ~= '' then
    redis.call('HSET', ck, 'rate', ARGV[5], 'per', ARGV[6])
  end
  -- A new window starts with the new rate: the old count measured against another limit.
  redis.call('DEL', rateKey(prefix, queue))
  wake(prefix, queue)
else
  return redis.error_reply('TQ_BAD_OPERATION ' .. tostring(op))
end
local out = { changed }
for _, v in ipairs(redis.call('HGETALL', ck)) do out[#out + 1] = v end
return out
