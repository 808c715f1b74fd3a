-- (b) Reads that miss the cache: uniform random GETs over the preloaded ids (BENCH_KEYS) with
-- "Cache-Control: no-cache", which makes Shardgate skip its cache tier and read the shard node (and
-- fill nothing), so every request takes the miss path: gateway -> shard node -> MySQL. nginx (without
-- proxy_cache), HAProxy and a shard node ignore the header and do the same one-hop read. Every id
-- exists, so anything but 200 is an error.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local common = require("_common")

common.workload("read-miss")

function request()
  local keys = common.keys
  return wrk.format("GET", common.prefix .. keys[math.random(#keys)],
    { ["accept"] = "application/json", ["cache-control"] = "no-cache" })
end
