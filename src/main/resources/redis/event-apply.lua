-- event-apply: applies one event exactly once.
-- KEYS: 1 the customer's seen ids, 2 the partition's stream; then for an offer event 3 the customer's engagement,
--       4 contacts, 5 the partition's report counters of the event's UTC day, 6 the recorded decision the event
--       names and 7 what learning marked of it (only when it names one); for behaviour 3 the customer's recent events, 4 cart, 5 consent,
--       6 profile. (Only the keys an event can touch: each one is parsed by Redis and encoded by the client, for
--       every event.)
-- ARGV: 1 event id, 2 type, 3 customer id, 4 event time (ISO), 5 event time (ms), 6 now (ms), 7 seen cutoff (ms:
--       ids applied before are forgotten), 8 stream MINID (ms), 9 contacts cutoff (ms), 10 the report key's expiry
--       (ms), 11 decision id, 12 channel (for an offer event, the one to use when it is not attributed), 13 amount,
--       14 attributes JSON ('' each when absent), 15 'offer' or 'behaviour'; then
--       offer: 16 offer id, 17 engagement metric ('sent', 'clicks', ...), 18 report metric ('impressions', ...),
--              19 what it is to learning: 't' a trial (impression), 'p' a positive (click, accept, ...), '' neither;
--              the contact kind is the type; an impression drops the decision's 'pending' contact. An attributed
--              event is the first trial or positive of its offer in its decision or not (KEYS[7]); the first is
--              marked 'learn' in the stream ('t', 'p', or 'tp' for a positive with no trial before it), with
--              the decision's time 'dt' and the predictors' values 'x' it recorded, for the learner;
--       behaviour: 16 recent-event JSON ('' none), 17 consent 1/0 for channel 12 ('' none), 18 cart change ('',
--              'add', 'remove', 'empty'); for add and remove 19 sku, 20 name, 21 category, 22 price, 23 quantity
--              ('' each when not given); then the profile '@updatedAt' (encoded, '' when the profile is
--              untouched), m, and m name/encoded-value pairs.
-- Returns {'duplicate'}, {'applied'} for behaviour, or {'applied', offer, channel, version, attributed 1/0,
-- reason} for an offer event. Every read comes before the first write, so a failure cannot leave an event half
-- applied.
local id = ARGV[1]
if redis.call('ZSCORE', KEYS[1], id) then
  return {'duplicate'}
end
local fields = {'eventId', id, 'type', ARGV[2], 'customerId', ARGV[3], 'timestamp', ARGV[4]}
if ARGV[11] ~= '' then
  fields[#fields + 1] = 'decisionId'
  fields[#fields + 1] = ARGV[11]
end
if ARGV[12] ~= '' and ARGV[15] ~= 'offer' then
  fields[#fields + 1] = 'channel'
  fields[#fields + 1] = ARGV[12]
end
if ARGV[13] ~= '' then
  fields[#fields + 1] = 'amount'
  fields[#fields + 1] = ARGV[13]
end
if ARGV[14] ~= '' then
  fields[#fields + 1] = 'attributes'
  fields[#fields + 1] = ARGV[14]
end
local result = {'applied'}
if ARGV[15] == 'offer' then
  local decision, offer, channel = ARGV[11], ARGV[16], ARGV[12]
  local version, attributed, reason = 'unknown', 0, 'no_decision'
  local learn, x, at = '', nil, nil
  if decision ~= '' then
    reason = 'decision_unknown'
    local raw = redis.call('GET', KEYS[6])
    local ok, rec = false, nil
    if raw then
      ok, rec = pcall(cjson.decode, raw)
    end
    if ok and type(rec) == 'table' and type(rec.o) == 'table' then
      reason = 'offer_not_in_decision'
      for _, o in ipairs(rec.o) do
        if type(o) == 'table' and o.id == offer then
          if type(o.ch) == 'string' then
            channel = o.ch
          end
          if type(rec.v) == 'string' then
            version = rec.v
          end
          if type(o.x) == 'string' then
            x = o.x
          end
          at = rec.at
          attributed, reason = 1, ''
          break
        end
      end
    end
  end
  if attributed == 1 and ARGV[19] ~= '' then
    -- the first trial and the first positive of this offer in this decision teach, once each
    if redis.call('HSETNX', KEYS[7], ARGV[19] .. '|' .. offer, 1) == 1 then
      learn = ARGV[19]
      if learn == 'p' and redis.call('HSETNX', KEYS[7], 't|' .. offer, 1) == 1 then
        learn = 'tp'
      end
      local ttl = redis.call('PTTL', KEYS[6])
      if ttl > 0 then
        redis.call('PEXPIRE', KEYS[7], ttl)
      end
    end
  end
  local counter = offer .. '|' .. channel .. '|' .. version .. '|'
  -- the day's expiry is set when a counter is first created, not on every event
  if redis.call('HINCRBY', KEYS[5], counter .. ARGV[18], 1) == 1 then
    redis.call('PEXPIREAT', KEYS[5], ARGV[10])
  end
  if ARGV[13] ~= '' then
    redis.call('HINCRBYFLOAT', KEYS[5], counter .. 'conversionValue', ARGV[13])
  end
  redis.call('HINCRBY', KEYS[3], channel .. ':' .. ARGV[17], 1)
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[2] .. '|' .. offer .. '|' .. channel .. '|' .. id)
  if ARGV[2] == 'impression' and decision ~= '' then
    redis.call('ZREM', KEYS[4], 'pending|' .. offer .. '|' .. channel .. '|' .. decision)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[9])
  fields[#fields + 1] = 'offerId'
  fields[#fields + 1] = offer
  fields[#fields + 1] = 'channel'
  fields[#fields + 1] = channel
  fields[#fields + 1] = 'ruleSetVersion'
  fields[#fields + 1] = version
  fields[#fields + 1] = 'attributed'
  fields[#fields + 1] = attributed == 1 and 'true' or 'false'
  if learn ~= '' then
    fields[#fields + 1] = 'learn'
    fields[#fields + 1] = learn
    fields[#fields + 1] = 'dt'
    fields[#fields + 1] = tostring(at)
    if x then
      fields[#fields + 1] = 'x'
      fields[#fields + 1] = x
    end
  end
  result = {'applied', offer, channel, version, attributed, reason}
else
  local cart = ARGV[18]
  local p = 19
  local items = {}
  if cart == 'add' or cart == 'remove' then
    p = 24
    local raw = redis.call('GET', KEYS[4])
    if raw then
      local ok, stored = pcall(cjson.decode, raw)
      if ok and type(stored) == 'table' and type(stored.items) == 'table' then
        items = stored.items
      end
    end
    local sku, quantity = ARGV[19], tonumber(ARGV[23])
    local found
    for i, item in ipairs(items) do
      if type(item) == 'table' and item.sku == sku then
        found = i
        break
      end
    end
    if cart == 'add' then
      local item = found and items[found] or {sku = sku, quantity = 0, price = 0}
      item.quantity = (tonumber(item.quantity) or 0) + (quantity or 1)
      if ARGV[20] ~= '' then item.name = ARGV[20] end
      if ARGV[21] ~= '' then item.category = ARGV[21] end
      if ARGV[22] ~= '' then item.price = tonumber(ARGV[22]) end
      if not found then
        items[#items + 1] = item
        if #items > 500 then
          table.remove(items, 1)
        end
      end
    elseif found then
      local left = (tonumber(items[found].quantity) or 0) - (quantity or math.huge)
      if left > 0 then
        items[found].quantity = left
      else
        table.remove(items, found)
      end
    end
  end
  if cart ~= '' then
    -- cjson writes an empty table as {}, and the cart's items must stay a list
    local encoded = #items == 0 and '[]' or cjson.encode(items)
    redis.call('SET', KEYS[4], '{"items":' .. encoded .. ',"updatedAt":"' .. ARGV[4] .. '"}')
  end
  if ARGV[16] ~= '' and redis.call('LPUSH', KEYS[3], ARGV[16]) > 200 then
    redis.call('LTRIM', KEYS[3], 0, 199)
  end
  if ARGV[17] ~= '' then
    redis.call('HSET', KEYS[5], ARGV[12], ARGV[17])
  end
  if ARGV[p] ~= '' then
    redis.call('HSET', KEYS[6], '@updatedAt', ARGV[p], unpack(ARGV, p + 2, p + 1 + 2 * tonumber(ARGV[p + 1])))
  end
end
redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[8], '*', unpack(fields))
redis.call('ZADD', KEYS[1], ARGV[6], id)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[7])
return result
