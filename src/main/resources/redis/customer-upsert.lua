-- customer-upsert: replaces a customer's context atomically; contact history, applied event ids and the journey
-- stay (they are the policies' memory).
-- KEYS: KeySchema.keys: 1 profile, 2 consent, 3 engagement, 4 cart, 5 recent (the rest are not touched).
-- ARGV: for profile, consent and engagement in turn: n, then n field, value pairs; then the cart JSON ('' none);
--       then m, then m recent events (JSON).
-- Returns 1.
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
local i = 1
for k = 1, 3 do
  local n = tonumber(ARGV[i])
  i = i + 1
  if n > 0 then
    redis.call('HSET', KEYS[k], unpack(ARGV, i, i + 2 * n - 1))
  end
  i = i + 2 * n
end
if ARGV[i] ~= '' then
  redis.call('SET', KEYS[4], ARGV[i])
end
i = i + 1
local n = tonumber(ARGV[i])
i = i + 1
if n > 0 then
  redis.call('RPUSH', KEYS[5], unpack(ARGV, i, i + n - 1))
end
return 1
