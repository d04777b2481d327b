-- decision-commit: checks the caps of a decision's candidates again and records what it serves, atomically.
-- KEYS: 1 contacts, 2 journey, 3 decision record, 4 report counters of the day, 5 the customer's decision index.
-- ARGV: 1 now, 2 decision id, 3 'served'|'impression', 4 pending hold ms, 5 lookback ms, 6 limit, 7 record ttl s,
--       8 version, 9 journey window ms, 10 calling channel, 11 report ttl s, 12 candidate count, then from 13 per
--       candidate: offer, group, '1' if it may only be served alone (the fallback: when nothing before it was)
--       else '0', option count, then per option (a channel, best first): channel, check count,
--       (per, max, window ms, policy) per check, record JSON fragment.
-- Returns per candidate: 'ok:K' (served on its K-th option); 'NAME|COUNT|PENDING', the cap its first option
-- reached (every option reached one), how many contacts it counted and how many of them were pending servings;
-- or '' (not needed).
local now, did, mode, hold = tonumber(ARGV[1]), ARGV[2], ARGV[3], tonumber(ARGV[4])
local lookback, limit, ttl, version = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
local jwin, calling, reportTtl = tonumber(ARGV[9]), ARGV[10], tonumber(ARGV[11])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - lookback))
local entries = redis.call('ZRANGEBYSCORE', KEYS[1], now - lookback, '+inf', 'WITHSCORES')
local counted = {}
for i = 1, #entries, 2 do
  local kind, offer, ch = string.match(entries[i], '^([^|]*)|([^|]*)|([^|]*)|')
  local at = tonumber(entries[i + 1])
  if (mode == 'served' and kind == 'served') or (mode ~= 'served' and (kind == 'impression' or (kind == 'pending' and at > now - hold))) then
    counted[#counted + 1] = {offer, ch, at, kind == 'pending'}
  end
end
local kind = mode == 'served' and 'served' or 'pending'
local n, i = tonumber(ARGV[12]), 13
local chosen, groups, out, fragments = {}, {}, {}, {}
for c = 1, n do
  local offer, group, alone, options = ARGV[i], ARGV[i + 1], ARGV[i + 2] == '1', tonumber(ARGV[i + 3])
  i = i + 4
  local wanted = #chosen < limit and not groups[group] and not (alone and #chosen > 0)
  local firstReached, servedOn, servedCh, fragment = '', nil, nil, nil
  for o = 1, options do
    local ch, checks = ARGV[i], tonumber(ARGV[i + 1])
    i = i + 2
    local reached = ''
    for k = 1, checks do
      local per, max, win, name = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), ARGV[i + 3]
      i = i + 4
      if wanted and not servedOn and reached == '' then
        local count, pending = 0, 0
        for _, e in ipairs(counted) do
          if e[3] > now - win and ((per == 'o' and e[1] == offer) or (per == 'c' and e[2] == ch)
              or (per == 'oc' and e[1] == offer and e[2] == ch)) then
            count = count + 1
            if e[4] then pending = pending + 1 end
          end
        end
        if count >= max then reached = name .. '|' .. count .. '|' .. pending end
      end
    end
    if wanted and not servedOn then
      if reached == '' then
        servedOn, servedCh, fragment = o, ch, ARGV[i]
      elseif o == 1 then
        firstReached = reached
      end
    end
    i = i + 1
  end
  if not wanted then
    out[c] = ''
  elseif not servedOn then
    out[c] = firstReached
  else
    chosen[#chosen + 1] = offer
    groups[group] = true
    redis.call('ZADD', KEYS[1], now, kind .. '|' .. offer .. '|' .. servedCh .. '|' .. did)
    counted[#counted + 1] = {offer, servedCh, now, kind == 'pending'}
    fragments[#fragments + 1] = fragment
    redis.call('HINCRBY', KEYS[4], offer .. '|' .. servedCh .. '|' .. version .. '|served', 1)
    out[c] = 'ok:' .. servedOn
  end
end
if #chosen > 0 then
  redis.call('EXPIRE', KEYS[4], reportTtl)
  if ttl > 0 then
    redis.call('SET', KEYS[3], '{"v":"' .. version .. '","c":"' .. calling .. '","at":' .. now .. ',"o":['
      .. table.concat(fragments, ',') .. ']}', 'EX', ttl)
    -- so an erasure finds the customer's records: ids of the records still alive, gone with the newest
    redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', '(' .. (now - ttl * 1000))
    redis.call('ZADD', KEYS[5], now, did)
    redis.call('EXPIRE', KEYS[5], ttl)
  end
  local j = redis.call('HMGET', KEYS[2], 'offer', 'at')
  if j[1] ~= chosen[1] or not j[2] or tonumber(j[2]) <= now - jwin then
    redis.call('HSET', KEYS[2], 'offer', chosen[1], 'at', now, 'decision', did)
  end
end
return out
