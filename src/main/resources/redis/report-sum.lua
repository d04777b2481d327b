-- report-sum: sums report counters over days.
-- KEYS: one partition's report hashes, one per day.
-- ARGV: none.
-- Returns field, sum pairs (sums as text, so decimal conversion values survive).
local sums, order = {}, {}
for i = 1, #KEYS do
  local kv = redis.call('HGETALL', KEYS[i])
  for j = 1, #kv, 2 do
    local f, v = kv[j], tonumber(kv[j + 1]) or 0
    if sums[f] then
      sums[f] = sums[f] + v
    else
      sums[f] = v
      order[#order + 1] = f
    end
  end
end
local out = {}
for _, f in ipairs(order) do
  out[#out + 1] = f
  out[#out + 1] = string.format('%.17g', sums[f])
end
return out
