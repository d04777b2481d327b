-- global-cap-take: takes one serving of an offer's global cap.
-- KEYS: 1 the offer's global count.
-- ARGV: 1 the cap.
-- Returns 1 when one more was taken, 0 when the cap is reached.
local taken = tonumber(redis.call('GET', KEYS[1]) or '0')
if taken >= tonumber(ARGV[1]) then
  return 0
end
redis.call('INCR', KEYS[1])
return 1
