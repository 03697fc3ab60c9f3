-- @include "keys"
-- @include "wake"
-- Records a failed attempt on a job (already removed from its active set) and routes it: back to its
-- queue after delayMs while attempts remain and the failure is retryable, else to the dead-letter set.
-- Returns 1 when the job will be retried, 2 when it was dead-lettered.
local function failAttempt(prefix, deadKey, countersKey, id, queue, priority, attempt, maxAttempts,
                           message, kind, retryable, delayMs, now)
  local jk = jobKey(prefix, id)
  -- Failure records are numbered by a counter of their own, so they survive requeues (attempts reset).
  local seq = redis.call('HINCRBY', jk, 'fc', 1)
  redis.call('HSET', jk, 'err', message,
    'f:' .. seq, cjson.encode({ attempt = attempt, error = message, kind = kind, at = now }))
  redis.call('HINCRBY', countersKey, queue .. ':failed', 1)
  if retryable and attempt < maxAttempts then
    if delayMs > 0 then
      redis.call('ZADD', delayedKey(prefix, queue), now + delayMs, id)
    else
      redis.call('RPUSH', waitKey(prefix, queue, priority), id)
      redis.call('HSET', jk, 'e', now)
    end
    -- Blocked consumers wake to learn the new due time (they block until then, not until their timeout).
    wake(prefix, queue)
    redis.call('HINCRBY', countersKey, queue .. ':retried', 1)
    return 1
  end
  redis.call('ZADD', deadKey, now, id)
  redis.call('HSET', jk, 'why', retryable and 'attempts_exhausted' or 'non_retryable')
  redis.call('HINCRBY', countersKey, queue .. ':deadLettered', 1)
  return 2
end
