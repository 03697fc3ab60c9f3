--[[
  Extends leases (a heartbeat for long jobs). A lease that already expired but was not yet reaped can
  still be extended: nobody else can hold the job until it is reaped.
  KEYS[1] queues    set of queue names (routes the call to the namespace's slot; not otherwise used)
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] lease, ms, from now
  ARGV[3..] pairs: job id, delivery (the lease token)
  Returns per job: the new lease deadline (ms), or 0 when the lease was lost.
]]
-- @include "keys"
-- @include "now"

local prefix = ARGV[1]
local now = nowMs()
local deadline = now + tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  local f = redis.call('HMGET', jobKey(prefix, id), 'l', 'q')
  if f[1] == ARGV[i + 1] and redis.call('ZSCORE', activeKey(prefix, f[2]), id) then
    redis.call('ZADD', activeKey(prefix, f[2]), deadline, id)
    out[#out + 1] = deadline
  else
    out[#out + 1] = 0
  end
end
return out
