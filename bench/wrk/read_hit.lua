-- (a) Reads of preloaded keys that are in the cache: uniform random GETs over a hot set (BENCH_KEYS,
-- by default the first BENCH_HOT of the preloaded ids), small enough to stay cached after the warm-up.
-- The done() summary reports the X-Cache HIT/MISS counts, so a cold cache is visible.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local common = require("_common")

common.workload("read-hit")

function request()
  local keys = common.keys
  return wrk.format("GET", common.prefix .. keys[math.random(#keys)], { ["accept"] = "application/json" })
end
