-- customer-erase: deletes a customer's keys and the decisions recorded for them (after decision-ids.lua).
-- KEYS: KeySchema.personalKeys: 1 profile, 2 consent, 3 engagement, 4 cart, 5 recent, 6 contacts, 7 seen,
--       8 journey, 9 decisions.
-- ARGV: 1 the partition's decision key prefix.
-- Returns per key 1 (deleted) or 0 (absent), then the number of decision records deleted.
local out, gone = {}, 0
for _, d in ipairs(decisionIds()) do
  gone = gone + redis.call('DEL', ARGV[1] .. d)
  -- what learning marked of that decision (its first impression and positive per offer): no use without it
  redis.call('DEL', ARGV[1] .. d .. ':l')
end
for i = 1, #KEYS do
  out[i] = redis.call('DEL', KEYS[i])
end
out[#KEYS + 1] = gone
return out
