# The figures table of load-tests/README.md, from a summary.json; gatling/run.sh puts it between the harness markers.
def ms: if . == null then "-" else "\(. * 100 | round / 100) ms" end;
def n: if . == null then "-" else tostring end;
def mb: if . == null then "-" else "\(. / 1048576 | round) MB" end;
"Run `\(.run)` at `\(.commit)` (\(.machine.cpus) cores, \(.machine.memory), \(.machine.cpu); \(.machine.java); Redis \(.machine.redis); \(.machine.note); load average at the end \(.machine.loadAverageAtEnd)). Written by `load-tests/gatling/run.sh` from `target/load-tests/\(.run)/summary.json`.",
"",
"| date | machine | scenario | rule set | model, target | achieved/s | requests | p50 | p99 | p99.9 | errors | fraction of floor | heap after GC |",
"|---|---|---|---|---|---|---|---|---|---|---|---|---|",
(. as $r | .scenarios[] |
  "| \($r.date) | \($r.machine.cpus) cores, \($r.machine.memory) | \(.scenario) | \(.ruleSet) (\(.rules) rules) | \(.model), \(.targetRate)\(if .model == "open" then "/s" else "" end) | \(.achievedRate | n) | \(.requests) | \(.p50Ms | ms) | \(.p99Ms | ms) | \(.p999Ms | ms) | \(.errors) | \(if .fractionOfFloor then "\(.fractionOfFloor) (floor \(.floorRate)/s)" elif .scenario == "capacity" then "no floor" else "-" end) | \(.heapUsedAfterGcBytes | mb) |"),
"",
(.scenarios[] | select(.events) | "- events (\(.ruleSet)): \(.events.batches) batches, \(.events.batchesPerSecond)/s, p50 \(.events.p50Ms | ms), p99 \(.events.p99Ms | ms), p99.9 \(.events.p999Ms | ms), \(.events.failed) failed."),
(.scenarios[] | select(.publishes) | "- publish (\(.ruleSet)): \(.publishes.published) rule sets published under load, \(.publishes.failed) refused or failed, each answered in \(.publishes.p50Ms | ms) (p50), at most \(.publishes.maxMs | ms)."),
(if .scale == null then empty
 elif .scale.ratio then "- 10,000 against 100 rules, end to end at the same rate: p50 \(.scale.p50Ms10000 | ms) against \(.scale.p50Ms100 | ms), \(.scale.ratio)× (target: at most 2×)."
 else "- 10,000 against 100 rules: no ratio, since no request of one of them succeeded (see its errors)." end),
"- Redis: \(.redisMemory.customers) customers in \(.redisMemory.usedMemoryAfter - .redisMemory.usedMemoryBefore) bytes of `used_memory`, \(.redisMemory.usedMemoryPerCustomer) bytes a customer; `MEMORY USAGE` of \(.redisMemory.customer)'s keys \(.redisMemory.bytesPerCustomerMemoryUsage) bytes (\(.redisMemory.memoryUsageBytes | to_entries | map("\(.key) \(.value)") | join(", ")))."
