-- @include "keys"
-- Leaves one wake-up marker for consumers blocked on the queue (BLPOP). One marker is enough: a consumer
-- that takes jobs and sees more left re-arms it, so wake-ups cascade without a thundering herd.
local function wake(prefix, queue)
  local k = wakeKey(prefix, queue)
  if redis.call('LLEN', k) == 0 then redis.call('RPUSH', k, '1') end
end
