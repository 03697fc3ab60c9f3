-- Lua's unpack() fails beyond a few thousand values, so variadic calls go out in chunks of at most
-- 1000 items. `width` is the values per item (2 for ZADD's score/member pairs) so no item is split.
-- `key` may be false for key-less commands (DEL of many keys).
local function callChunked(command, key, values, width)
  local size = 1000 * width
  for i = 1, #values, size do
    local j = math.min(i + size - 1, #values)
    if key then redis.call(command, key, unpack(values, i, j)) else redis.call(command, unpack(values, i, j)) end
  end
end
