--[[
  Records the trace a job's failures continue in: when an attempt failed in a trace that was not sampled,
  the poller records it in a trace of its own (bounded, see tracing's failure traces), and the job's later
  steps — the next attempt, the dead letter, the dlq function, a redrive — follow that trace.
  KEYS[1] queues    set of queue names (routes the call to the namespace's slot; not otherwise used)
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] job id
  ARGV[3] the trace carrier, as JSON
  Returns 1 recorded, 0 no such job (purged meanwhile: nothing is created).
]]
-- @include "keys"

local jk = jobKey(ARGV[1], ARGV[2])
if redis.call('EXISTS', jk) == 0 then return 0 end
redis.call('HSET', jk, 'tc', ARGV[3])
return 1
