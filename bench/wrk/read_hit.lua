-- (a) Reads of preloaded keys that are in the cache: uniform random GETs over a hot set (BENCH_KEYS,
-- by default the first BENCH_HOT of the preloaded ids), small enough to stay cached after the warm-up.
-- The done() summary reports the X-Cache HIT/MISS counts, so a cold cache is visible.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local common = require("_common")

local keys

function setup(thread) common.setup(thread) end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
  keys = common.load_keys()
  common.reset_counters()
end

function request()
  return wrk.format("GET", common.prefix .. keys[math.random(#keys)], { ["accept"] = "application/json" })
end

function response(status, headers, body) common.count(status, headers) end

function done(summary, latency, requests) common.done("read-hit", latency) end
