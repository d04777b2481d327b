-- learning-apply: adds what the learner read from the event streams to the models, exactly once.
-- KEYS: 1 the models (hash), 2 their changes (stream), 3 the learner's lease.
-- ARGV: 1 this replica's id, 2 the lease's length (ms), 3 now (ms), 4 changes kept (about), 5 n partitions read,
--       then n × (the partition's position field 'pos:NNNN', the stream id read up to before, the id read up to now),
--       then m, then m × (model field 'OFFER|CHANNEL' or 'OFFER|CHANNEL|PREDICTOR|VALUE', trials, positives),
--       then k, then k × ('OFFER|CHANNEL', the AUC of its contextual table on recent responses),
--       then the same changes as text, for the replicas (lines 'TRIALS POSITIVES FIELD'); the script adds a line
--       'auc VALUE OFFER|CHANNEL' for each AUC it stores.
-- The models hash holds 'pos:NNNN' (the last stream id learned of each partition), 't|FIELD' and 'p|FIELD' (trials and
-- positives), 'u|OFFER|CHANNEL' (last update, ms), 'a|OFFER|CHANNEL' (the AUC), '@delta' (the last change included) and '@at'.
-- Returns {'ok', change id, the models that had no 'u|' field before (new, or reset since the learner scored them: their
-- AUC is not stored, it was measured partly on the old model)...}; {'not_leader'} when the lease is another replica's; {'moved', field} when a partition's
-- position is not where the learner read from (another learner moved it, or the models were reset): nothing is
-- changed then, so no event is learned twice.
local models, changes = KEYS[1], KEYS[2]
if redis.call('GET', KEYS[3]) ~= ARGV[1] then
  return {'not_leader'}
end
local now, n = ARGV[3], tonumber(ARGV[5])
local i = 6
for _ = 1, n do
  if (redis.call('HGET', models, ARGV[i]) or '0-0') ~= ARGV[i + 1] then
    return {'moved', ARGV[i]}
  end
  i = i + 3
end
i = 6
for _ = 1, n do
  redis.call('HSET', models, ARGV[i], ARGV[i + 2])
  i = i + 3
end
local m = tonumber(ARGV[i])
i = i + 1
local fresh, reply = {}, {'ok', ''}
for _ = 1, m do
  local field, t, p = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  if t ~= 0 then
    redis.call('HINCRBY', models, 't|' .. field, t)
  end
  if p ~= 0 then
    redis.call('HINCRBY', models, 'p|' .. field, p)
  end
  if not string.find(field, '|', string.find(field, '|', 1, true) + 1, true) then
    if redis.call('HSETNX', models, 'u|' .. field, now) == 1 then
      fresh[field] = true
      reply[#reply + 1] = field
    else
      redis.call('HSET', models, 'u|' .. field, now)
    end
  end
  i = i + 3
end
local k = tonumber(ARGV[i])
i = i + 1
local text = {ARGV[i + 2 * k]}
for _ = 1, k do
  local model, auc = ARGV[i], ARGV[i + 1]
  if not fresh[model] then
    redis.call('HSET', models, 'a|' .. model, auc)
    text[#text + 1] = 'auc ' .. auc .. ' ' .. model .. '\n'
  end
  i = i + 2
end
redis.call('PEXPIRE', KEYS[3], ARGV[2])
local id = redis.call('XADD', changes, 'MAXLEN', '~', ARGV[4], '*', 'd', table.concat(text), 'at', now)
redis.call('HSET', models, '@delta', id, '@at', now)
reply[2] = id
return reply
