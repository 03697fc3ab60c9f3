-- @include "keys"
-- A new job's record. `e` (entered a waiting list, server ms) is set at once, so a caller whose enqueue
-- reply was lost can ask whether it was written; promotion from the delayed set sets it again.
local function writeJobRecord(prefix, id, spec, queue, priority, maxAttempts, now)
  redis.call('HSET', jobKey(prefix, id), 'd', spec, 'q', queue, 'p', priority, 'm', maxAttempts, 'a', 0, 'e', now)
end
