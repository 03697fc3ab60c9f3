--[[
  Takes up to `count` ready jobs, highest priority first (FIFO within a priority), and leases them,
  within each queue's controls: none from a paused queue, no more in flight than its concurrency (over
  every consumer together), no more started per rate window than its rate. Jobs over a limit stay where
  they are, in order.
  First reaps expired leases and promotes due delayed jobs of the queues asked for.
  KEYS[1] dead      dead-letter sorted set
  KEYS[2] counters  hash of per-queue counters
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] count     most jobs to take
  ARGV[3] lease, ms
  ARGV[4] housekeeping limit per queue
  ARGV[5] number of queues N, then ARGV[6..5+N] the queues, then the priorities, highest first
  Returns: server now, next time (ms) something becomes ready when nothing was taken (else false), the
  queues a control held back with jobs waiting as `queue=reason,…` (paused, concurrency, rate; else
  false), then per job 10 values: id, attempts, delivery (the lease token), spec JSON, enqueuedAt,
  lastError, the trace recorded for its failures (a carrier JSON, or false: see retrace-1.lua), queue,
  priority, maxAttempts (the record's own fields, not repeated in the spec). The delivery counter only ever grows (attempts can be reset by a requeue or undone by a
  release), so a token from an earlier delivery can never match again.
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

-- Each queue's allowance: unlimited unless a control says otherwise (one lookup per queue per call).
local UNLIMITED = 1e15
local allow, binding, rates = {}, {}, {}
for _, queue in ipairs(queues) do
  local c = redis.call('HMGET', controlsKey(prefix, queue), 'paused', 'concurrency', 'rate', 'per')
  local n = UNLIMITED
  if c[1] then
    n, binding[queue] = 0, 'paused'
  else
    if c[2] then
      n = math.max(0, tonumber(c[2]) - redis.call('ZCARD', activeKey(prefix, queue)))
      binding[queue] = 'concurrency'
    end
    if c[3] then
      local rk = rateKey(prefix, queue)
      local used = tonumber(redis.call('GET', rk) or '0')
      local left = math.max(0, tonumber(c[3]) - used)
      if left < n then n, binding[queue] = left, 'rate' end
      rates[queue] = { key = rk, per = tonumber(c[4]), fresh = used == 0, taken = 0 }
    end
  end
  allow[queue] = n
end

local out = { now, false, false }
local taken = 0
for _, priority in ipairs(priorities) do
  for _, queue in ipairs(queues) do
    local take = math.min(want - taken, allow[queue])
    if take > 0 then
      local ids = redis.call('LPOP', waitKey(prefix, queue, priority), take)
      if ids then
        local leases = {} -- one variadic ZADD per list instead of one per job
        for _, id in ipairs(ids) do
          local jk = jobKey(prefix, id)
          local f = redis.call('HMGET', jk, 'd', 'e', 'err', 'a', 'l', 'tc', 'm')
          if f[1] then -- a purge may have removed the record; skip such ids
            local attempts, delivery = (tonumber(f[4]) or 0) + 1, (tonumber(f[5]) or 0) + 1
            redis.call('HSET', jk, 'a', attempts, 'l', delivery, 's', now)
            out[#out + 1] = id
            out[#out + 1] = attempts
            out[#out + 1] = delivery
            out[#out + 1] = f[1]; out[#out + 1] = f[2]; out[#out + 1] = f[3]; out[#out + 1] = f[6]
            out[#out + 1] = queue; out[#out + 1] = priority; out[#out + 1] = f[7]
            leases[#leases + 1] = deadline
            leases[#leases + 1] = id
            taken = taken + 1
            allow[queue] = allow[queue] - 1
            if rates[queue] then rates[queue].taken = rates[queue].taken + 1 end
          end
        end
        if #leases > 0 then callChunked('ZADD', activeKey(prefix, queue), leases, 2) end
      end
    end
  end
end

-- A rate window starts with the first job it lets through and lasts `per` ms.
for _, r in pairs(rates) do
  if r.taken > 0 then
    redis.call('INCRBY', r.key, r.taken)
    if r.fresh then redis.call('PEXPIRE', r.key, r.per) end
  end
end

local nextAt = false
local function soonest(t) if not nextAt or t < nextAt then nextAt = t end end
local held = {}
for _, queue in ipairs(queues) do
  local waiting = false
  for _, priority in ipairs(priorities) do
    if redis.call('LLEN', waitKey(prefix, queue, priority)) > 0 then waiting = true; break end
  end
  if waiting then
    if allow[queue] > 0 then
      wake(prefix, queue) -- work left behind: the next blocked consumer wakes too
    elseif binding[queue] then
      -- Held back: no wake-up (held consumers would only wake each other). Acks of a queue with a
      -- concurrency limit wake it; a rate window is waited out; resume wakes a paused queue.
      held[#held + 1] = queue .. '=' .. binding[queue]
      if binding[queue] == 'rate' then
        local ttl = redis.call('PTTL', rates[queue].key)
        soonest(now + (ttl > 0 and ttl or 1))
      end
    end
  end
end
if #held > 0 then out[3] = table.concat(held, ',') end

if taken == 0 then
  for _, queue in ipairs(queues) do
    for _, k in ipairs({ delayedKey(prefix, queue), activeKey(prefix, queue) }) do
      local first = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')
      if first[2] then soonest(tonumber(first[2])) end
    end
  end
  out[2] = nextAt
end
return out
