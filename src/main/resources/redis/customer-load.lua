-- customer-load: everything stored for one customer that a decision or a read needs, in one round trip.
-- KEYS: KeySchema.keys: 1 profile, 2 consent, 3 engagement, 4 cart, 5 recent, 6 contacts, 7 seen (not read), 8 journey.
-- ARGV: 1 how many recent events to read (newest first), 2 contacts since (ms).
-- Returns {profile, consent, engagement, cart ('' none), recent events, contacts with their times, journey}.
local recent = tonumber(ARGV[1])
return {
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[2]),
  redis.call('HGETALL', KEYS[3]),
  redis.call('GET', KEYS[4]) or '',
  redis.call('LRANGE', KEYS[5], 0, recent - 1),
  redis.call('ZRANGEBYSCORE', KEYS[6], ARGV[2], '+inf', 'WITHSCORES'),
  redis.call('HGETALL', KEYS[8])
}
