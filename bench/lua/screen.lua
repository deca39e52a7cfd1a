-- screen.lua -- POST /v1/screenings: deposits and withdrawals of the
-- generator's addresses, each request its own address and reference.
-- args: ADDRESSES_FILE API_KEY THREADS RUN_TAG
counters = { "created", "bad" }
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function init(args)
  file, key, nthreads, tag = args[1], args[2], args[3], args[4]
  addrs = load_share(file, function(chain, a) return { chain, a } end)
  hdr = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
  n, created, bad = 0, 0, 0
end

function request()
  n = n + 1
  local a = addrs[(n - 1) % #addrs + 1]
  local usd = 50 + (n * 7919) % 20000
  local body = string.format(
    '{"chain":"%s","address":"%s","amount":"%d.25","usd":"%d","asset":"USDT",'
    .. '"direction":"%s","reference":"bench-%s-%d-%d"}',
    a[1], a[2], usd, usd, (n % 4 == 0) and "withdrawal" or "deposit", tag, id, n)
  return wrk.format("POST", "/v1/screenings", hdr, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else bad = bad + 1 end
end
