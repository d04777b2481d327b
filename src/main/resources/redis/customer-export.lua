-- customer-export: everything stored about a customer (after decision-ids.lua).
-- KEYS: KeySchema.personalKeys: 1 profile, 2 consent, 3 engagement, 4 cart, 5 recent, 6 contacts, 7 seen,
--       8 journey, 9 decisions.
-- ARGV: 1 the partition's decision key prefix.
-- Returns the load script's seven parts (everything: all recent events, all contacts), the applied ids with their
-- times, the decision records as id, JSON pairs, and how many of the keys exist.
local records = {}
for _, d in ipairs(decisionIds()) do
  local r = redis.call('GET', ARGV[1] .. d)
  if r then
    records[#records + 1] = d
    records[#records + 1] = r
  end
end
return {
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[2]),
  redis.call('HGETALL', KEYS[3]),
  redis.call('GET', KEYS[4]) or '',
  redis.call('LRANGE', KEYS[5], 0, -1),
  redis.call('ZRANGE', KEYS[6], 0, -1, 'WITHSCORES'),
  redis.call('HGETALL', KEYS[8]),
  redis.call('ZRANGE', KEYS[7], 0, -1, 'WITHSCORES'),
  records,
  redis.call('EXISTS', unpack(KEYS))
}
