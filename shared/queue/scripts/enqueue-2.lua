--[[
  Enqueues a batch of validated jobs atomically.
  KEYS[1] queues    set of queue names
  KEYS[2] counters  hash of per-queue counters
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] idempotency TTL, ms
  ARGV[3] deadline, epoch ms (0: none): arriving later, by this server's clock, the batch is refused whole
          with a TQ_TOO_LATE error, so a caller whose command timed out knows nothing was written
  ARGV[4..] per job, 8 values: id, queue, priority, maxAttempts, idempotency key ('' for none), delay ms,
          run-at epoch ms (0: none), spec JSON. A job with a delay or a future run-at waits in the queue's
          delayed set (due at run-at, else now + delay): dequeue's housekeeping promotes it when due.
  Returns per job, 9 values: id, duplicate (0|1), attempts, enqueuedAt, spec JSON, lastError, queue,
  priority, maxAttempts (the last five only for duplicates: the fields of the original job).
  Validation happened in the client and nothing below can fail on input, so no batch is half-written.
]]
-- @include "keys"
-- @include "now"
-- @include "wake"
-- @include "chunked"
-- @include "record"

local prefix = ARGV[1]
local ttl = ARGV[2]
local deadline = tonumber(ARGV[3])
local now = nowMs()
if deadline > 0 and now > deadline then
  return redis.error_reply('TQ_TOO_LATE the enqueue reached Redis after its deadline; nothing was written')
end
local out = {}
local perQueue = {}
local lists, listOrder = {}, {} -- ids per waiting list, pushed with one variadic RPUSH each

for i = 4, #ARGV, 8 do
  local id, queue, priority, maxAttempts, idem, spec = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 7]
  local original = false
  if idem ~= '' then
    local ik = idempotencyKey(prefix, idem)
    original = redis.call('GET', ik)
    if not original then redis.call('SET', ik, id, 'PX', ttl) end
  end
  if original then
    local f = redis.call('HMGET', jobKey(prefix, original), 'a', 'e', 'd', 'err', 'q', 'p', 'm')
    out[#out + 1] = original; out[#out + 1] = 1
    out[#out + 1] = f[1]; out[#out + 1] = f[2]; out[#out + 1] = f[3]; out[#out + 1] = f[4]
    out[#out + 1] = f[5]; out[#out + 1] = f[6]; out[#out + 1] = f[7]
  else
    writeJobRecord(prefix, id, spec, queue, priority, maxAttempts, now)
    local runAt = tonumber(ARGV[i + 6])
    local due = runAt > 0 and runAt or now + tonumber(ARGV[i + 5])
    if due > now then
      redis.call('ZADD', delayedKey(prefix, queue), due, id)
    else
      local wk = waitKey(prefix, queue, priority)
      if not lists[wk] then lists[wk] = {}; listOrder[#listOrder + 1] = wk end
      lists[wk][#lists[wk] + 1] = id
    end
    perQueue[queue] = (perQueue[queue] or 0) + 1
    out[#out + 1] = id; out[#out + 1] = 0; out[#out + 1] = 0; out[#out + 1] = now
    out[#out + 1] = false; out[#out + 1] = false; out[#out + 1] = false; out[#out + 1] = false; out[#out + 1] = false
  end
end

for _, wk in ipairs(listOrder) do callChunked('RPUSH', wk, lists[wk], 1) end
for queue, n in pairs(perQueue) do
  redis.call('SADD', KEYS[1], queue)
  redis.call('HINCRBY', KEYS[2], queue .. ':enqueued', n)
  wake(prefix, queue) -- also for delayed jobs: blocked consumers learn the new due time
end
return out
