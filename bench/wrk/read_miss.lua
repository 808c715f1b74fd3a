-- (b) Reads that miss the cache: every GET asks for an id never read before, drawn from a large key
-- space above the preloaded ids (b<N+1> .. b<N+10^9>, each thread its own residue mod 64), so the cache has
-- nothing and the request goes to a shard node, which answers 404. 404 is the expected answer here:
-- it is reported as not_found; non_2xx still counts it, and anything else non-2xx is an error.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local common = require("_common")

local counter, nthreads
-- one base per run, chosen in the main state and handed to every thread (from the clock, so later
-- runs move on): the ids base + k*64 + tid are distinct across threads and requests
local run_base = tonumber(os.getenv("BENCH_RECORDS") or "10000") + (os.time() % 1000000) * 1000

function setup(thread)
  common.setup(thread)
  thread:set("base", run_base)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
  counter = 0
  nthreads = 64
  common.reset_counters()
end

function request()
  counter = counter + 1
  -- distinct per thread (offset tid) and per request (stride nthreads): never the same id twice
  return wrk.format("GET", common.prefix .. "b" .. (base + counter * nthreads + tid), { ["accept"] = "application/json" })
end

function response(status, headers, body) common.count(status, headers) end

function done(summary, latency, requests) common.done("read-miss") end
