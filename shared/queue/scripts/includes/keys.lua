-- Key layout of one namespace; mirrors shared/queue/keys.ts (test/queue/keys.test.ts checks they agree).
-- `prefix` is the namespace prefix `{ns}:`; every key shares its hash tag, so all live in one cluster slot.
local function jobKey(prefix, id) return prefix .. 'job:' .. id end
local function waitKey(prefix, queue, priority) return prefix .. 'q:' .. queue .. ':wait:' .. priority end
local function wakeKey(prefix, queue) return prefix .. 'q:' .. queue .. ':wake' end
local function activeKey(prefix, queue) return prefix .. 'q:' .. queue .. ':active' end
local function delayedKey(prefix, queue) return prefix .. 'q:' .. queue .. ':delayed' end
local function controlsKey(prefix, queue) return prefix .. 'q:' .. queue .. ':controls' end
local function rateKey(prefix, queue) return prefix .. 'q:' .. queue .. ':rate' end
local function idempotencyKey(prefix, key) return prefix .. 'idem:' .. key end
