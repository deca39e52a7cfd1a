-- uncached.lua -- GET /v1/addresses/{chain}/{address}/risk, each request a
-- different address (the generator's addresses.txt, each thread its own
-- share), so no answer can come from the cache as long as the list lasts
-- and the cache was emptied before. Counts answers that were cached anyway
-- ("hits") and requests made after the list ran out ("wrapped").
-- (riskd also keeps answers in the process, in front of Redis: emptying
-- Redis does not empty that, so a second run over the same list walks it
-- from the other end: "reverse".)
-- args: ADDRESSES_FILE API_KEY THREADS [reverse]
counters = { "hits", "wrapped", "bad", "known" }
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function init(args)
  file, key, nthreads = args[1], args[2], args[3]
  paths = load_share(file, function(chain, a)
    return "/v1/addresses/" .. chain .. "/" .. a .. "/risk"
  end)
  if args[4] == "reverse" then
    local r = {}
    for i = #paths, 1, -1 do r[#r + 1] = paths[i] end
    paths = r
  end
  hdr = { ["Authorization"] = "Bearer " .. key }
  n, hits, wrapped, bad, known = 0, 0, 0, 0, 0
end

function request()
  n = n + 1
  if n > #paths then wrapped = wrapped + 1 end
  return wrk.format("GET", paths[(n - 1) % #paths + 1], hdr)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  else
    if body:find('"cached":true', 1, true) then hits = hits + 1 end
    if body:find('"known":true', 1, true) then known = known + 1 end
  end
end
