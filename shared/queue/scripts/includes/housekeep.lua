-- @include "keys"
-- @include "fail"
-- @include "chunked"
-- Housekeeping of one queue, run by every dequeue (and peek), so nothing needs a daemon — on Lambda
-- nothing runs between invocations. Bounded by `limit` per call to keep the script short.
--  * expired leases (crashed or timed-out consumers): the attempt counts; back to the queue or dead-lettered
--  * due retries: promoted from the delayed set to the tail of their waiting list
local function housekeep(prefix, deadKey, countersKey, queue, now, limit)
  local ak = activeKey(prefix, queue)
  local expired = redis.call('ZRANGEBYSCORE', ak, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(expired) do
    redis.call('ZREM', ak, id)
    local f = redis.call('HMGET', jobKey(prefix, id), 'a', 'm', 'p')
    if f[1] then
      failAttempt(prefix, deadKey, countersKey, id, queue, f[3], tonumber(f[1]), tonumber(f[2]),
        'lease expired during attempt ' .. f[1], 'lease_expired', true, 0, now)
    end
  end
  local dk = delayedKey(prefix, queue)
  local due = redis.call('ZRANGEBYSCORE', dk, '-inf', now, 'LIMIT', 0, limit)
  if #due > 0 then
    callChunked('ZREM', dk, due, 1)
    for _, id in ipairs(due) do
      local jk = jobKey(prefix, id)
      local p = redis.call('HGET', jk, 'p')
      if p then
        redis.call('RPUSH', waitKey(prefix, queue, p), id)
        redis.call('HSET', jk, 'e', now)
      end
    end
  end
end
