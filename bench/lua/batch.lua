-- batch.lua -- POST /v1/risk/batch with 1000 addresses per request, taken
-- in turn from the generator's addresses.txt (each thread its own share).
-- args: ADDRESSES_FILE API_KEY THREADS BATCH_SIZE
counters = { "ok", "bad" }
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function init(args)
  file, key, nthreads = args[1], args[2], args[3]
  local size = tonumber(args[4] or 1000)
  local hdr = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
  local items = load_share(file, function(chain, a)
    return '{"chain":"' .. chain .. '","address":"' .. a .. '"}'
  end)
  reqs = {}
  for i = 1, #items - size + 1, size do
    reqs[#reqs + 1] = wrk.format("POST", "/v1/risk/batch", hdr,
      '{"addresses":[' .. table.concat(items, ",", i, i + size - 1) .. ']}')
    if #reqs >= 400 then break end
  end
  n, ok, bad = 0, 0, 0
end

function request()
  n = n + 1
  return reqs[(n - 1) % #reqs + 1]
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end
