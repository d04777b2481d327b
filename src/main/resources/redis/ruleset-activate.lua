-- ruleset-activate: makes a stored version active, records it in the history and tells every replica.
-- KEYS: 1 the version's hash, 2 active, 3 history.
-- ARGV: 1 version, 2 at (ms), 3 author, 4 message, 5 the channel to publish the version on.
-- Returns the previously active version ('' none), or nil when the version is not stored.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local previous = redis.call('GET', KEYS[2]) or ''
redis.call('SET', KEYS[2], ARGV[1])
redis.call('LPUSH', KEYS[3], cjson.encode({version = ARGV[1], at = tonumber(ARGV[2]), author = ARGV[3],
  message = ARGV[4], previous = previous}))
redis.call('LTRIM', KEYS[3], 0, 999)
redis.call('PUBLISH', ARGV[5], ARGV[1])
return previous
