--[[
  A consistent snapshot of the namespace, as JSON.
  KEYS[1] queues    set of queue names
  KEYS[2] dead      dead-letter sorted set
  KEYS[3] done      completed-history sorted set
  KEYS[4] counters  hash of per-queue counters
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2..] the priorities, highest first
  Returns JSON: { now, dead, done, counters: [field, value, ...],
                  queues: [{ name, active, delayed, priorities: [{ name, waiting, oldestEnqueuedAt }] }] }
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
