-- (c) Updates: PUT {"estimated_costs":"<n>"} on uniform random preloaded ids (BENCH_KEYS: ids whose
-- primary replica is the node every target sends them to, so each write is accepted and replicated).
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
  local body = '{"estimated_costs":"' .. common.costs() .. '"}'
  return wrk.format(common.update_method, common.prefix .. keys[math.random(#keys)],
    { ["content-type"] = "application/json", ["accept"] = "application/json" }, body)
end

function response(status, headers, body) common.count(status, headers) end

function done(summary, latency, requests) common.done("put", latency) end
