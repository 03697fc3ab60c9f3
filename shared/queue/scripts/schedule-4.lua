--[[
  Claims one occurrence of a job scheduler and enqueues its job, atomically: of every poller that found
  the occurrence due at the same moment, exactly one succeeds (the scheduler's next time must still be
  the one the caller read), and the scheduler moves on to its next occurrence.
  KEYS[1] schedulers:next  sorted set: scheduler name → next occurrence (ms)
  KEYS[2] schedulers:runs  hash: `<name>:fired`, `<name>:missed`, `<name>:lastId`, `<name>:lastAt`
  KEYS[3] queues           set of queue names
  KEYS[4] counters         hash of per-queue counters
  ARGV[1] prefix, ARGV[2] scheduler name, ARGV[3] the occurrence read (ms), ARGV[4] the one after (ms),
  ARGV[5] occurrences skipped (missed while nothing ran), then the job: ARGV[6] id, ARGV[7] queue,
  ARGV[8] priority, ARGV[9] maxAttempts, ARGV[10] spec JSON
  Returns 1 claimed and enqueued, 0 taken by another poller (or the scheduler changed or went away).
]]
-- @include "keys"
-- @include "now"
-- @include "wake"
-- @include "record"

local prefix, name = ARGV[1], ARGV[2]
local due = redis.call('ZSCORE', KEYS[1], name)
if not due or tonumber(due) ~= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[4], name)
local id, queue, priority = ARGV[6], ARGV[7], ARGV[8]
local now = nowMs()
writeJobRecord(prefix, id, ARGV[10], queue, priority, ARGV[9], now)
redis.call('RPUSH', waitKey(prefix, queue, priority), id)
redis.call('SADD', KEYS[3], queue)
redis.call('HINCRBY', KEYS[4], queue .. ':enqueued', 1)
wake(prefix, queue)
redis.call('HINCRBY', KEYS[2], name .. ':fired', 1)
if tonumber(ARGV[5]) > 0 then redis.call('HINCRBY', KEYS[2], name .. ':missed', ARGV[5]) end
redis.call('HSET', KEYS[2], name .. ':lastId', id, name .. ':lastAt', ARGV[3])
return 1
