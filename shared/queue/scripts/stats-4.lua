--[[
  A consistent snapshot of the namespace, as JSON.
  KEYS[1] queues    set of queue names
  KEYS[2] dead      dead-letter sorted set
  KEYS[3] done      completed-history sorted set
  KEYS[4] counters  hash of per-queue counters
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2..] the priorities, highest first
  Returns JSON: { now, dead, done, counters: [field, value, ...],
                  queues: [{ name, active, delayed, priorities: [{ name, waiting, oldestEnqueuedAt }],
                             paused (JSON or false), concurrency, rate, per, rateUsed, rateResetMs }] }
  (the controls false where unset; rateUsed and rateResetMs: the current rate window, with a rate)
]]
-- @include "keys"
-- @include "now"

local prefix = ARGV[1]
local queues = redis.call('SMEMBERS', KEYS[1])
table.sort(queues)
local result = {
  now = nowMs(),
  dead = redis.call('ZCARD', KEYS[2]),
  done = redis.call('ZCARD', KEYS[3]),
  counters = redis.call('HGETALL', KEYS[4]),
  queues = {},
}
for _, queue in ipairs(queues) do
  local entry = {
    name = queue,
    active = redis.call('ZCARD', activeKey(prefix, queue)),
    delayed = redis.call('ZCARD', delayedKey(prefix, queue)),
    priorities = {},
  }
  local c = redis.call('HMGET', controlsKey(prefix, queue), 'paused', 'concurrency', 'rate', 'per')
  entry.paused = c[1] or false
  entry.concurrency = tonumber(c[2]) or false
  entry.rate = tonumber(c[3]) or false
  entry.per = tonumber(c[4]) or false
  if c[3] then
    local rk = rateKey(prefix, queue)
    entry.rateUsed = tonumber(redis.call('GET', rk) or '0')
    entry.rateResetMs = math.max(0, redis.call('PTTL', rk))
  end
  for i = 2, #ARGV do
    local wk = waitKey(prefix, queue, ARGV[i])
    local head = redis.call('LINDEX', wk, 0)
    entry.priorities[#entry.priorities + 1] = {
      name = ARGV[i],
      waiting = redis.call('LLEN', wk),
      oldestEnqueuedAt = head and tonumber(redis.call('HGET', jobKey(prefix, head), 'e')) or false,
    }
  end
  result.queues[#result.queues + 1] = entry
end
return cjson.encode(result)
