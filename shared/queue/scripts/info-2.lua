--[[
  Where a job is, and its whole record.
  KEYS[1] dead      dead-letter sorted set
  KEYS[2] done      completed-history sorted set
  ARGV[1] prefix    namespace key prefix `{ns}:`
  ARGV[2] job id
  Returns false when unknown, else: state, position or time (or false), then the record's HGETALL pairs.
  States: waiting (position), active (lease deadline), delayed (due time), dead, completed (time),
  cancelled (time), unknown.
]]
-- @include "keys"

local prefix, id = ARGV[1], ARGV[2]
local record = redis.call('HGETALL', jobKey(prefix, id))
if #record == 0 then return false end
local fields = {}
for i = 1, #record, 2 do fields[record[i]] = record[i + 1] end
local queue = fields.q
local state, at = 'unknown', false
local score = redis.call('ZSCORE', activeKey(prefix, queue), id)
if fields.x then
  state, at = 'cancelled', fields.x
elseif score then
  state, at = 'active', score
else
  score = redis.call('ZSCORE', delayedKey(prefix, queue), id)
  if score then
    state, at = 'delayed', score
  else
    score = redis.call('ZSCORE', KEYS[1], id)
    if score then
      state, at = 'dead', score
    else
      score = redis.call('ZSCORE', KEYS[2], id)
      if score then
        state, at = 'completed', score
      else
        local pos = redis.call('LPOS', waitKey(prefix, queue, fields.p), id)
        if pos then state, at = 'waiting', pos end
      end
    end
  end
end
local out = { state, at }
for i = 1, #record do out[#out + 1] = record[i] end
return out
