-- wrk script: POST /v1/events with batches of NBO_BATCH (500) events, every eventId unique. The mix
-- (NBO_MIX, percent), over demo-000001 .. demo-<NBO_CUSTOMERS>: 40% impressions and 10% clicks
-- naming a recorded decision (dec-<customer>, written by events-throughput.sh), 33% page views,
-- 15% cart adds, 2% purchases (which empty the cart, so carts stay a few lines long, as in life).
local customers = tonumber(os.getenv("NBO_CUSTOMERS") or "10000")
local mix = {}
for n in string.gmatch(os.getenv("NBO_MIX") or "40,10,33,15,2", "%d+") do
  mix[#mix + 1] = (mix[#mix] or 0) + tonumber(n)
end
local batch = tonumber(os.getenv("NBO_BATCH") or "500")
local run = os.getenv("NBO_RUN") or tostring(os.time())
local categories = {"shoes", "outerwear", "beauty", "home", "electronics", "toys"}
local threads = {}
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
end

request = function()
  local now = os.date("!%Y-%m-%dT%H:%M:%SZ")
  local parts = {}
  for i = 1, batch do
    counter = counter + 1
    local customer = string.format("demo-%06d", math.random(1, customers))
    local head = '{"eventId":"' .. run .. "-" .. (tid or 0) .. "-" .. counter .. '","customerId":"' .. customer
        .. '","timestamp":"' .. now .. '","type":"'
    local pick = math.random(100)
    if pick <= mix[1] then
      parts[i] = head .. 'impression","decisionId":"dec-' .. customer .. '","offerId":"bestsellers-discovery","channel":"web"}'
    elseif pick <= mix[2] then
      parts[i] = head .. 'click","decisionId":"dec-' .. customer .. '","offerId":"bestsellers-discovery","channel":"web"}'
    elseif pick <= mix[3] then
      parts[i] = head .. 'page_view","channel":"web","attributes":{"category":"' .. categories[math.random(#categories)]
          .. '","page":"/c/' .. math.random(1, 500) .. '"}}'
    elseif pick <= mix[4] then
      parts[i] = head .. 'cart_add","attributes":{"sku":"SK-' .. math.random(1, 2000) .. '","category":"'
          .. categories[math.random(#categories)] .. '","price":' .. math.random(5, 250) .. '.99,"quantity":1}}'
    else
      parts[i] = head .. 'purchase","amount":' .. math.random(10, 400) .. '.50,"attributes":{"orderId":"o-' .. counter .. '"}}'
    end
  end
  return wrk.format(nil, nil, nil, "[" .. table.concat(parts, ",") .. "]")
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("batches %d (%d events each), non-2xx %d, socket errors %d, %.1f batches/s\n", summary.requests, batch,
    summary.errors.status, errors, summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%-5s %.1f ms per batch\n", p, latency:percentile(p) / 1000))
  end
end
