-- (c) Updates: PUT {"estimated_costs":"<n>"} on uniform random preloaded ids (BENCH_KEYS: ids whose
-- primary replica is the node every target sends them to, so each write is accepted and replicated).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local common = require("_common")

common.workload("put")

function request()
  local keys = common.keys
  return common.update(common.prefix .. keys[math.random(#keys)])
end
