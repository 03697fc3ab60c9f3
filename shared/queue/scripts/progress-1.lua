--[[
  Stores a running job's progress, while its consumer still holds the lease.
  KEYS[1] queues    set of queue names (routes the call to the namespace's slot; not otherwise used)
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] job id
  ARGV[3] delivery (the lease token)
  ARGV[4] progress, as JSON
  Returns 1 stored, 0 lease lost.
]]
-- @include "keys"

local prefix, id = ARGV[1], ARGV[2]
local jk = jobKey(prefix, id)
local f = redis.call('HMGET', jk, 'l', 'q')
if f[1] ~= ARGV[3] or not redis.call('ZSCORE', activeKey(prefix, f[2]), id) then return 0 end
redis.call('HSET', jk, 'pg', ARGV[4])
return 1
