-- (d) 90/10 read/write mix over a skewed key set: ids drawn from a zipf-like distribution
-- (exponent BENCH_ZIPF_S, default 0.99) over the preloaded ids; rank r is the r-th id of BENCH_KEYS
-- (b1 is the hottest), so the same few ids are hot in every thread, as in real traffic.
-- 90 % GET, 10 % PUT {"estimated_costs":"<n>"}.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local common = require("_common")

local keys, pick, write_pct

function setup(thread) common.setup(thread) end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
  keys = common.load_keys()
  pick = common.zipf(#keys, tonumber(os.getenv("BENCH_ZIPF_S") or "0.99"))
  write_pct = tonumber(os.getenv("BENCH_WRITE_PCT") or "10")
  common.reset_counters()
end

function request()
  local path = common.prefix .. keys[pick()]
  if math.random(100) <= write_pct then
    return wrk.format(common.update_method, path, { ["content-type"] = "application/json", ["accept"] = "application/json" },
      '{"estimated_costs":"' .. common.costs() .. '"}')
  end
  return wrk.format("GET", path, { ["accept"] = "application/json" })
end

function response(status, headers, body) common.count(status, headers) end

function done(summary, latency, requests) common.done("mix-90-10", latency) end
