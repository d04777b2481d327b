-- wrk script: POST /v1/decisions for a random demo customer (demo-000001 .. demo-<NBO_CUSTOMERS>).
local customers = tonumber(os.getenv("NBO_CUSTOMERS") or "10000")
local channel = os.getenv("NBO_CHANNEL") or "web"
local limit = os.getenv("NBO_LIMIT") or "1"
math.randomseed(42)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  local id = string.format("demo-%06d", math.random(1, customers))
  wrk.body = '{"customerId":"' .. id .. '","channel":"' .. channel .. '","placement":"home-hero","limit":' .. limit .. '}'
  return wrk.format()
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d, %.0f/s\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%-5s %.3f ms\n", p, latency:percentile(p) / 1000))
  end
end
