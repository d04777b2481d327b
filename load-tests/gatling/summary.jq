# The run's summary, from [machine.json, stats-*.json...] (jq -s): the machine and Redis memory, then per
# scenario the measured request ("decision") without the warm-up: target and achieved rate, requests,
# errors (failed or non-2xx requests of every measured name), percentiles, and for `capacity` the floor.
def round3: . * 1000 | round / 1000;
def measured: .requests | with_entries(select(.key | startswith("warmup-") | not));
# Rates count successful answers only.
def span_rate: if . == null or .requests == 0 then null else .ok / ((.lastEndMs - .firstStartMs) / 1000) end;
def closed_rate($p): if . == null then null else .ok / ($p.rounds * $p.phaseSeconds) end;

.[0] as $m
| [.[1:][] | . as $s | ($s.requests.decision // {requests: 0, failed: 0}) as $d
   | (if $s.scenario == "capacity" then ($d | closed_rate($s.params)) else ($d | span_rate) end) as $rate
   | (if $s.scenario == "capacity" then ($s.requests.floor | closed_rate($s.params)) else null end) as $floor
   | {scenario: $s.scenario, ruleSet: $s.ruleSet, rules: $s.rules, offers: $s.offers,
      model: (if $s.scenario == "capacity" then "closed" else "open" end),
      targetRate: (if $s.scenario == "capacity" then "\($s.params.concurrency) in flight" else $s.params.rate end),
      achievedRate: ($rate | if . == null then null else round end),
      requests: $d.requests, errors: ([$s | measured[] | .failed] | add // 0),
      # No time when no request succeeded (older stats files wrote 0 there).
      p50Ms: $d.p50Ms, p90Ms: $d.p90Ms, p99Ms: $d.p99Ms, p999Ms: $d.p999Ms, maxMs: $d.maxMs}
   | if $d.ok == 0 then .p50Ms = null | .p90Ms = null | .p99Ms = null | .p999Ms = null | .maxMs = null else . end
   | . + {
      floorRate: ($floor | if . == null then null else round end),
      fractionOfFloor: (if $floor == null or $rate == null then null else ($rate / $floor | round3) end),
      floor: (if $s.requests.floor then $s.requests.floor | {requests, failed, p50Ms, p99Ms, p999Ms} else null end),
      events: (if $s.requests.events then $s.requests.events | {batches: .requests, failed, p50Ms, p99Ms, p999Ms,
               batchesPerSecond: (span_rate | round)} else null end),
      publishes: (if $s.requests.publish then $s.requests.publish | {published: .ok, failed, p50Ms, maxMs} else null end),
      overload: (if $s.scenario == "overload" then
                   {shed: ($s.requests.shed.requests // 0),
                    shedFraction: (($s.requests.shed.requests // 0) / ((($s.requests.shed.requests // 0) + $d.requests) | if . == 0 then 1 else . end) | round3),
                    shedP50Ms: $s.requests.shed.p50Ms, shedP99Ms: $s.requests.shed.p99Ms, shedMaxMs: $s.requests.shed.maxMs,
                    before: ($s.requests.before | {requests, failed, p50Ms, p99Ms, maxMs}),
                    after: ($s.requests.after | {requests, failed, p50Ms, p99Ms, maxMs}),
                    afterShed: ($s.requests["after-shed"].requests // 0)}
                 else null end),
      heapUsedAfterGcBytes: $s.heapUsedAfterGcBytes, params: $s.params, report: $s.report}] as $scenarios
| ($scenarios | map(select(.scenario == "scale")) | map({key: .ruleSet, value: .p50Ms}) | from_entries) as $scale
| $m + {scenarios: $scenarios,
        scale: (if ($scale | has("generated-100")) and ($scale | has("generated-10000"))
                then {p50Ms100: $scale["generated-100"], p50Ms10000: $scale["generated-10000"],
                      ratio: (if $scale["generated-10000"] and $scale["generated-100"]
                              then $scale["generated-10000"] / $scale["generated-100"] | round3 else null end)}
                else null end)}
