-- (d) 90/10 read/write mix over a skewed key set: ids drawn from a zipf-like distribution
-- (exponent BENCH_ZIPF_S, default 0.99) over the preloaded ids; rank r is the r-th id of BENCH_KEYS
-- (b1 is the hottest), so the same few ids are hot in every thread, as in real traffic.
-- 90 % GET, 10 % PUT {"estimated_costs":"<n>"}.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local common = require("_common")

local pick, write_pct

common.workload("mix-90-10", function(keys)
  pick = common.zipf(#keys, tonumber(os.getenv("BENCH_ZIPF_S") or "0.99"))
  write_pct = tonumber(os.getenv("BENCH_WRITE_PCT") or "10")
end)

function request()
  local path = common.prefix .. common.keys[pick()]
  if math.random(100) <= write_pct then
    return common.update(path)
  end
  return wrk.format("GET", path, { ["accept"] = "application/json" })
end
