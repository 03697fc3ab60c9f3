--[[
  Cancels a job that has not started: out of its waiting list or the delayed set, into the bounded
  completed history, marked cancelled. A job in any other state is left alone.
  KEYS[1] done      completed-history sorted set (cancelled jobs are kept, and trimmed, with completed ones)
  KEYS[2] counters  hash of per-queue counters
  KEYS[3] dead      dead-letter sorted set
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] job id
  Returns: outcome, state, time. Outcome 1 cancelled now (state: the one it was cancelled from,
  `waiting` or `delayed`), 2 already cancelled, 0 refused (state: active, completed, dead or unknown),
  -1 no such job. Time: when it was cancelled (ms), else false.
  Taking a job out of the middle of a waiting list is O(length of the list) (LREM).
]]
-- @include "keys"
-- @include "now"

local prefix, id = ARGV[1], ARGV[2]
local jk = jobKey(prefix, id)
local f = redis.call('HMGET', jk, 'q', 'p', 'x')
if not f[1] then return { -1, 'unknown', false } end
if f[3] then return { 2, 'cancelled', tonumber(f[3]) } end
local queue = f[1]
local from = false
if redis.call('ZSCORE', activeKey(prefix, queue), id) then return { 0, 'active', false } end
if redis.call('ZSCORE', KEYS[1], id) then return { 0, 'completed', false } end
if redis.call('ZREM', delayedKey(prefix, queue), id) == 1 then
  from = 'delayed'
elseif redis.call('LREM', waitKey(prefix, queue, f[2]), 1, id) == 1 then
  from = 'waiting'
elseif redis.call('ZSCORE', KEYS[3], id) then
  return { 0, 'dead', false }
else
  return { 0, 'unknown', false }
end
local now = nowMs()
redis.call('HSET', jk, 'x', now)
redis.call('ZADD', KEYS[1], now, id)
redis.call('HINCRBY', KEYS[2], queue .. ':cancelled', 1)
return { 1, from, now }
