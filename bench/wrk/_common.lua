-- Shared helpers for the bench/wrk workloads (loaded with require("_common")).
-- Environment read by every workload:
--   BENCH_PREFIX   path prefix of a record, "/v1/expenses/" (gateway) or "/records/expenses/" (shard node)
--   BENCH_KEYS     file with one id per line (the keys this workload may touch)
--   BENCH_RECORDS  number of preloaded records b1..bN (used when BENCH_KEYS is not set)
--   BENCH_UPDATE_METHOD  method of an update: PUT (the public API's partial update, default) or PATCH
--                  (the same operation on a shard node's /records API, whose PUT replaces the record)
local M = {}

M.prefix = os.getenv("BENCH_PREFIX") or "/v1/expenses/"
M.update_method = os.getenv("BENCH_UPDATE_METHOD") or "PUT"

function M.load_keys()
  local keys = {}
  local file = os.getenv("BENCH_KEYS")
  if file and file ~= "" then
    local f = assert(io.open(file, "r"), "cannot open BENCH_KEYS file " .. file)
    for line in f:lines() do
      if line ~= "" then keys[#keys + 1] = line end
    end
    f:close()
  else
    local n = tonumber(os.getenv("BENCH_RECORDS") or "10000")
    for i = 1, n do keys[#keys + 1] = "b" .. i end
  end
  assert(#keys > 0, "no keys to use")
  return keys
end

-- Counters, one set per thread (each wrk thread has its own Lua state). wrk calls response() for
-- every answer; the main state collects the threads' counters in done().
M.threads = {}

function M.setup(thread)
  thread:set("tid", #M.threads + 1)
  M.threads[#M.threads + 1] = thread
end

function M.reset_counters()
  c_total, c_2xx, c_404, c_503, c_other, c_hit, c_miss, c_bypass = 0, 0, 0, 0, 0, 0, 0, 0
end

function M.count(status, headers)
  c_total = c_total + 1
  if status >= 200 and status < 300 then
    c_2xx = c_2xx + 1
  elseif status == 404 then
    c_404 = c_404 + 1
  elseif status == 503 then
    c_503 = c_503 + 1
  else
    c_other = c_other + 1
  end
  local xc = headers["X-Cache"] or headers["x-cache"]
  if xc == "HIT" then c_hit = c_hit + 1
  elseif xc == "MISS" then c_miss = c_miss + 1
  elseif xc == "BYPASS" then c_bypass = c_bypass + 1 end
end

-- Prints two machine-readable lines that bench/run.sh parses:
--   BENCH_SUMMARY workload=W responses=N ok_2xx=N not_found=N unavailable=N non_2xx=N cache_hit=N cache_miss=N cache_bypass=N
--   BENCH_LATENCY p50_us=N p99_us=N p999_us=N max_us=N
-- non_2xx counts every non-2xx answer; not_found and unavailable are its 404 and 503 parts. The latency
-- percentiles come from wrk's own histogram (wrk prints p50..p99 but not p99.9).
function M.done(name, latency)
  local t = { responses = 0, ok = 0, nf = 0, unavailable = 0, other = 0, hit = 0, miss = 0, bypass = 0 }
  for _, thread in ipairs(M.threads) do
    t.responses = t.responses + (thread:get("c_total") or 0)
    t.ok = t.ok + (thread:get("c_2xx") or 0)
    t.nf = t.nf + (thread:get("c_404") or 0)
    t.unavailable = t.unavailable + (thread:get("c_503") or 0)
    t.other = t.other + (thread:get("c_other") or 0)
    t.hit = t.hit + (thread:get("c_hit") or 0)
    t.miss = t.miss + (thread:get("c_miss") or 0)
    t.bypass = t.bypass + (thread:get("c_bypass") or 0)
  end
  io.write(string.format(
    "BENCH_SUMMARY workload=%s responses=%d ok_2xx=%d not_found=%d unavailable=%d non_2xx=%d cache_hit=%d cache_miss=%d cache_bypass=%d\n",
    name, t.responses, t.ok, t.nf, t.unavailable, t.nf + t.unavailable + t.other, t.hit, t.miss, t.bypass))
  if latency then
    io.write(string.format("BENCH_LATENCY p50_us=%d p99_us=%d p999_us=%d max_us=%d\n",
      latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
  end
end

-- Zipf-like sampler over n ranks (rank 1 hottest), exponent s: cumulative weights + binary search.
function M.zipf(n, s)
  local cdf, sum = {}, 0
  for i = 1, n do
    sum = sum + 1 / (i ^ s)
    cdf[i] = sum
  end
  return function()
    local u = math.random() * sum
    local lo, hi = 1, n
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cdf[mid] < u then lo = mid + 1 else hi = mid end
    end
    return lo
  end
end

function M.costs()
  return string.format("%d.%02d", math.random(5, 2000), math.random(0, 99))
end

local JSON_IN_OUT = { ["content-type"] = "application/json", ["accept"] = "application/json" }

-- The update every workload sends: {"estimated_costs":"<n>"} with BENCH_UPDATE_METHOD.
function M.update(path)
  return wrk.format(M.update_method, path, JSON_IN_OUT, '{"estimated_costs":"' .. M.costs() .. '"}')
end

-- Defines wrk's setup, init, response and done for the workload `name`; the script defines only
-- request(). init seeds the thread's random numbers, loads the keys into M.keys and then calls
-- prepare(keys) when given (e.g. to build a sampler).
function M.workload(name, prepare)
  function setup(thread) M.setup(thread) end

  function init(args)
    math.randomseed(os.time() * 1000 + tid)
    M.keys = M.load_keys()
    if prepare then prepare(M.keys) end
    M.reset_counters()
  end

  function response(status, headers, body) M.count(status, headers) end

  function done(summary, latency, requests) M.done(name, latency) end
end

return M
