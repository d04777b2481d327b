-- learning-reset: forgets what the models learned of one offer, or of everything (then the learner reads the event
-- streams again from their start: a rebuild).
-- KEYS: 1 the models (hash), 2 their changes (stream).
-- ARGV: 1 the offer id, or '' for everything, 2 now (ms), 3 changes kept (about).
-- Returns the change id the replicas apply the reset at. A rebuild also sets '@rebuilt' to it (see learning-lease.lua).
local models = KEYS[1]
if ARGV[1] == '' then
  redis.call('DEL', models)
else
  local prefix = '|' .. ARGV[1] .. '|'
  local n = #prefix
  for _, field in ipairs(redis.call('HKEYS', models)) do
    if string.sub(field, 2, 1 + n) == prefix then
      redis.call('HDEL', models, field)
    end
  end
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'r', ARGV[1] == '' and '*' or ARGV[1], 'at', ARGV[2])
redis.call('HSET', models, '@delta', id, '@at', ARGV[2])
if ARGV[1] == '' then
  -- tells the learner to read the positions again (all gone: every stream from its start)
  redis.call('HSET', models, '@rebuilt', id)
end
return id
