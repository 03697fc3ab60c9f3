--[[
  Takes up to `count` ready jobs, highest priority first (FIFO within a priority), and leases them.
  First reaps expired leases and promotes due retries of the queues asked for.
  KEYS[1] dead      dead-letter sorted set
  KEYS[2] counters  hash of per-queue counters
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] count     most jobs to take
  ARGV[3] lease, ms
  ARGV[4] housekeeping limit per queue
  ARGV[5] number of queues N, then ARGV[6..5+N] the queues, then the priorities, highest first
  Returns: server now, next time (ms) something becomes ready when nothing was taken (else false),
  then per job 6 values: id, attempts, delivery (the lease token), spec JSON, enqueuedAt, lastError.
  The delivery counter only ever grows (attempts can be reset by a requeue or undone by a release), so
  a token from an earlier delivery can never match again.
]]
-- @include "keys"
-- @include "now"
-- @include "wake"
-- @include "housekeep"
-- @include "chunked"

local prefix = ARGV[1]
local want = tonumber(ARGV[2])
local deadline = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local nq = tonumber(ARGV[5])
local queues, priorities = {}, {}
for i = 1, nq do queues[i] = ARGV[5 + i] end
for i = 6 + nq, #ARGV do priorities[#priorities + 1] = ARGV[i] end

local now = nowMs()
deadline = now + deadline
for _, queue in ipairs(queues) do housekeep(prefix, KEYS[1], KEYS[2], queue, now, limit) end

local out = { now, false }
local taken = 0
for _, priority in ipairs(priorities) do
  for _, queue in ipairs(queues) do
    if taken < want then
      local ids = redis.call('LPOP', waitKey(prefix, queue, priority), want - taken)
      if ids then
        local leases = {} -- one variadic ZADD per list instead of one per job
        for _, id in ipairs(ids) do
          local jk = jobKey(prefix, id)
          local f = redis.call('HMGET', jk, 'd', 'e', 'err')
          if f[1] then -- a purge may have removed the record; skip such ids
            out[#out + 1] = id
            out[#out + 1] = redis.call('HINCRBY', jk, 'a', 1)
            out[#out + 1] = redis.call('HINCRBY', jk, 'l', 1)
            out[#out + 1] = f[1]; out[#out + 1] = f[2]; out[#out + 1] = f[3]
            leases[#leases + 1] = deadline
            leases[#leases + 1] = id
            taken = taken + 1
          end
        end
        if #leases > 0 then callChunked('ZADD', activeKey(prefix, queue), leases, 2) end
      end
    end
  end
end

-- Work left behind: re-arm the marker so the next blocked consumer wakes too.
for _, queue in ipairs(queues) do
  for _, priority in ipairs(priorities) do
    if redis.call('LLEN', waitKey(prefix, queue, priority)) > 0 then wake(prefix, queue); break end
  end
end

if taken == 0 then
  local nextAt = false
  for _, queue in ipairs(queues) do
    for _, k in ipairs({ delayedKey(prefix, queue), activeKey(prefix, queue) }) do
      local first = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')
      if first[2] and (not nextAt or tonumber(first[2]) < nextAt) then nextAt = tonumber(first[2]) end
    end
  end
  out[2] = nextAt
end
return out
