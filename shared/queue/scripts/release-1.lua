--[[
  Hands leased jobs back without running them (a consumer shutting down, or prefetched jobs it will not
  start): to the head of their waiting list, the attempt not counted. Not a failure.
  KEYS[1] queues    set of queue names (routes the call to the namespace's slot; not otherwise used)
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2..] pairs: job id, delivery (the lease token)
  Returns per job: 1 released, 0 lease lost.
]]
-- @include "keys"
-- @include "wake"

local prefix = ARGV[1]
local out = {}
-- Walk backwards so jobs keep their order at the head of the list.
for i = #ARGV - 1, 2, -2 do
  local id = ARGV[i]
  local jk = jobKey(prefix, id)
  local f = redis.call('HMGET', jk, 'l', 'q', 'p')
  if f[1] == ARGV[i + 1] and redis.call('ZREM', activeKey(prefix, f[2]), id) == 1 then
    redis.call('HINCRBY', jk, 'a', -1) -- the attempt did not happen; the delivery counter stays
    redis.call('LPUSH', waitKey(prefix, f[2], f[3]), id)
    wake(prefix, f[2])
    out[(i - 2) / 2 + 1] = 1
  else
    out[(i - 2) / 2 + 1] = 0
  end
end
return out
