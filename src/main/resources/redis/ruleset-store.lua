-- ruleset-store: stores a rule-set version, unless it is stored already (a version is immutable).
-- KEYS: 1 the version's hash, 2 versions.
-- ARGV: 1 version, 2 createdAt (ms), 3 author, 4 message, 5 file count n, then n name, text pairs.
-- Returns 1 when stored, 0 when the version existed.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'createdAt', ARGV[2], 'author', ARGV[3], 'message', ARGV[4])
local n = tonumber(ARGV[5])
for i = 0, n - 1 do
  redis.call('HSET', KEYS[1], 'file:' .. ARGV[6 + 2 * i], ARGV[7 + 2 * i])
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
