-- decision-ids: not a script of its own; its function decisionIds() opens customer-erase and customer-export.
-- The decision ids of the customer: from KEYS[9] the decision index, KEYS[6] contacts (served and pending name
-- their decision) and KEYS[8] the journey. The last two also find decisions recorded before the index existed.
local function decisionIds()
  local ids, known = {}, {}
  local function add(d)
    if d and d ~= '' and not known[d] then
      known[d] = true
      ids[#ids + 1] = d
    end
  end
  for _, d in ipairs(redis.call('ZRANGE', KEYS[9], 0, -1)) do add(d) end
  for _, m in ipairs(redis.call('ZRANGE', KEYS[6], 0, -1)) do
    local kind, ref = string.match(m, '^([^|]*)|[^|]*|[^|]*|(.*)$')
    if kind == 'served' or kind == 'pending' then add(ref) end
  end
  add(redis.call('HGET', KEYS[8], 'decision'))
  return ids
end
