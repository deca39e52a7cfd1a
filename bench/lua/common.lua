-- common.lua -- shared by every wrk script of bench/run.sh (loaded with
-- dofile from $BENCH_LUA). Gives each thread an id and its count of threads,
-- and prints one machine-readable line at the end:
--   BENCH requests=... rps=... p50_us=... p99_us=... errors=... non2xx=... <extra>
-- where <extra> are the counters named in `counters` summed over threads.

local threads = {}
local next_id = 1
counters = counters or {}

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- "chain address" lines of `file`, every nth from the thread's own offset,
-- each turned into a value by `f(chain, address)`.
function load_share(file, f)
  local out, i, n = {}, 0, tonumber(nthreads)
  for line in io.lines(file) do
    if i % n == id - 1 then
      local chain, a = line:match("^(%S+) (%S+)$")
      if chain then out[#out + 1] = f(chain, a) end
    end
    i = i + 1
  end
  return out
end

function done(summary, latency, requests)
  local e = summary.errors
  local line = string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f"
    .. " errors=%d non2xx=%d bytes=%d",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, e.connect + e.read + e.write + e.timeout, e.status, summary.bytes)
  for _, name in ipairs(counters) do
    local sum = 0
    for _, t in ipairs(threads) do sum = sum + (t:get(name) or 0) end
    line = line .. string.format(" %s=%d", name, sum)
  end
  io.write(line .. "\n")
end
