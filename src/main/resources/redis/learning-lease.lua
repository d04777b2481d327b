-- learning-lease: takes or keeps the learner's lease: one replica at a time reads the event streams into the models.
-- KEYS: 1 the lease, 2 the models (hash).
-- ARGV: 1 this replica's id, 2 the lease's length (ms).
-- Returns {1 when this replica holds the lease (taken or renewed) else 0, the models' '@rebuilt' ('' for never)}: a
-- learner that sees '@rebuilt' change reads the positions again, from the streams' start.
local holder = redis.call('GET', KEYS[1])
local rebuilt = redis.call('HGET', KEYS[2], '@rebuilt') or ''
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, rebuilt}
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, rebuilt}
end
return {0, rebuilt}
