-- Server time in ms: one clock for leases, backoff and wait times, whatever the clients' clocks say.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
