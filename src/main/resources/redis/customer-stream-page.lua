-- customer-stream-page: one page of the partition's event stream, for a customer's erasure or export.
-- KEYS: 1 the partition's stream.
-- ARGV: 1 customer id, 2 after (an entry id, exclusive; '' from the start), 3 until (an entry id; '' the stream's
--       last entry now, so a busy stream cannot keep the pass going), 4 page size, 5 'erase' (delete the
--       customer's entries) or 'export' (return them).
-- Returns {next ('' when done), until, the customer's entries in the page (deleted when erasing), entries}.
local stream, id, after, untilId, count = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
if untilId == '' then
  local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
  if #last == 0 then
    return {'', '', 0, {}}
  end
  untilId = last[1][1]
end
local page = redis.call('XRANGE', stream, after == '' and '-' or '(' .. after, untilId, 'COUNT', count)
local ids, entries = {}, {}
for _, e in ipairs(page) do
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 'customerId' then
      if f[i + 1] == id then
        ids[#ids + 1] = e[1]
        if ARGV[5] == 'export' then
          entries[#entries + 1] = e
        end
      end
      break
    end
  end
end
local n = #ids
if ARGV[5] == 'erase' and n > 0 then
  n = redis.call('XDEL', stream, unpack(ids))
end
return {#page < count and '' or page[#page][1], untilId, n, entries}
