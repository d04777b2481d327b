#!/usr/bin/env bash
# The Gatling harness: builds nbo, starts its own redis-server (nothing kept on disk),
# imports NBO_CUSTOMERS demo customers, starts nbo on each rule set a scenario needs, runs the
# Gatling simulations of load-tests/gatling/src/test/java, then writes a summary (JSON) and the figures
# table of load-tests/README.md from what the runs measured. Traffic goes to 127.0.0.1 only; every
# phase is bounded in time, and everything started here is stopped on exit.
#
#   load-tests/gatling/run.sh [all | page-view | call-center | events | publish | capacity | scale | overload ...]
#   (a scenario may name its own arrival rate: page-view@3000)
#
#   NBO_CUSTOMERS  demo customers imported (1000000); the generated file is kept in target/load-tests/
#   NBO_SEED       seed of customers and traffic (42)
#   RATE           arrival rate of the measured open-model phases, users/s (500)
#   WARMUP         warm-up seconds, at RATE, left out of the figures (20)
#   DURATION       measured seconds (60)
#   SCALE_RATE     arrival rate of `scale`, the 100- against the 10,000-rule set (200)
#   LADDER         higher arrival rates of page-view on the demo set in `all`, to find where p99 passes 5 ms ("2000 3000")
#   CONCURRENCY    in-flight requests of the capacity phases (16); ROUNDS floor/decision pairs (2)
#   PUBLISHES      rule sets published during `publish` (3)
#   OVERLOAD_RATE  arrival rate of `overload`'s overload phase, between phases at RATE (14400: 3 x a 4,800/s capacity)
#   RULE_SETS      rule sets for the scenarios named (demo); `all` runs its own matrix (README)
#   NBO_JAVA_OPTS  the service's JVM options (-Xmx2g)
#   REDIS_PORT, HTTP_PORT (6401, 8101); SKIP_BUILD=1 uses the last build; TABLE=0 leaves README.md alone
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. load-tests/lib.sh
customers="${NBO_CUSTOMERS:-1000000}"; seed="${NBO_SEED:-42}"
rate="${RATE:-500}"; warmup="${WARMUP:-20}"; duration="${DURATION:-60}"; scale_rate="${SCALE_RATE:-200}"; ladder="${LADDER-2000 3000}"
concurrency="${CONCURRENCY:-16}"; rounds="${ROUNDS:-2}"; publishes="${PUBLISHES:-3}"; overload_rate="${OVERLOAD_RATE:-14400}"
redis_port="${REDIS_PORT:-6401}"; http_port="${HTTP_PORT:-8101}"; java_opts="${NBO_JAVA_OPTS:--Xmx2g}"
scenarios=("$@"); [ ${#scenarios[@]} -gt 0 ] || scenarios=(all)
command -v jq >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q jq >/dev/null; } || need jq "apt-get install -y jq"
need redis-cli "apt-get install -y redis-tools"; need jcmd "a JDK"; need curl "apt-get install -y curl"

# The plan: one "rule-set scenario" pair per line, in order; each rule set gets one service start.
if [ "${scenarios[*]}" = all ]; then
  plan="demo page-view
$(for r in $ladder; do echo "demo page-view@$r"; done)
demo call-center
demo events
demo capacity
demo publish
generated-100 page-view
generated-100 call-center
generated-100 capacity
generated-100 scale
generated-10000 scale"
else
  plan=""
  for rs in ${RULE_SETS:-demo}; do for s in "${scenarios[@]}"; do plan+="$rs $s"$'\n'; done; done
fi

run_id="$(date -u +%Y%m%dT%H%M%SZ)"
out="$root/target/load-tests/$run_id"; cache="$root/target/load-tests/cache"
mkdir -p "$out" "$cache"
echo "run $run_id: reports in $out"

pid=""
stop_service() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi
}
cleanup() {
  stop_service
  [ -f "$out/redis.pid" ] && kill "$(cat "$out/redis.pid")" 2>/dev/null
  rm -rf "$out/app"    # the copy of the packaged app (about 80 MB); the report keeps the commit
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -q -B -DskipTests package
# A copy of the packaged app, so that a build started meanwhile cannot swap jars under a running JVM.
rm -rf "$out/app" && cp -r target/quarkus-app "$out/app"
cp=$(app_cp "$out/app")
(cd load-tests/gatling && ../../mvnw -q -B test-compile)

# Redis, the customers, and what they take in Redis.
redis=$(redis_server)
"$redis" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --dir "$out" --pidfile "$out/redis.pid" --logfile "$out/redis.log"
cli() { redis-cli -p "$redis_port" "$@"; }
for _ in $(seq 50); do cli ping >/dev/null 2>&1 && break; sleep 0.1; done
info_field() { cli info "$1" | tr -d '\r' | awk -F: -v k="$2" '$1 == k {print $2}'; }
used_before=$(info_field memory used_memory)
customers_file="$cache/customers-$customers-$seed.jsonl"
[ -s "$customers_file" ] || nbo_in "$out/app" generate --count "$customers" --seed "$seed" --out "$customers_file"
import_start=$(date +%s.%N)
nbo_in "$out/app" import --redis "redis://127.0.0.1:$redis_port" "$customers_file" 2>/dev/null | tail -1
import_seconds=$(awk -v s="$import_start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
used_after=$(info_field memory used_memory)
# The partition tag of a customer, as io.nbo.redis.KeySchema computes it: CRC32 of the id, modulo 1,024.
one="demo-000001"; partition=$(python3 -c "import zlib; print('%04d' % (zlib.crc32(b'$one') % 1024))")
key_bytes="{}"
for k in profile consent engagement cart recent; do
  key_bytes=$(jq -c --arg k "$k" --argjson v "$(cli memory usage "nbo:{p:$partition}:c:$one:$k" || echo null)" '. + {($k): $v}' <<<"$key_bytes")
done
jq -n --argjson keys "$key_bytes" --argjson before "$used_before" --argjson after "$used_after" --argjson n "$customers" \
  --argjson keysTotal "$(cli dbsize)" --arg customer "$one" --argjson importSeconds "$import_seconds" \
  '{customers: $n, importSeconds: $importSeconds, customer: $customer, memoryUsageBytes: $keys,
    bytesPerCustomerMemoryUsage: ($keys | [.[] | values] | add), usedMemoryBefore: $before, usedMemoryAfter: $after,
    usedMemoryPerCustomer: ((($after - $before) / $n) | floor), keys: $keysTotal}' >"$out/redis-memory.json"
echo "redis: $(jq -c '{bytesPerCustomerMemoryUsage, usedMemoryPerCustomer, keys}' "$out/redis-memory.json")"

# Rule sets: the demo folder, or one written by RuleSetGenerator (cached by size).
rules_dir() {
  case "$1" in
    demo) echo "$root/rules" ;;
    generated-*)
      local n="${1#generated-}" offers=50 dir
      [ "$n" -ge 10000 ] && offers=200; [ "$n" -ge 1000 ] && [ "$n" -lt 10000 ] && offers=100
      dir="$cache/rules-$n-$offers"
      if [ ! -d "$dir" ]; then
        mkdir -p "$root/target/load-tests-classes"
        javac -nowarn -d "$root/target/load-tests-classes" -cp "$cp" load-tests/scale/*.java
        java -cp "$root/target/load-tests-classes:$cp" RuleSetGenerator --rules "$n" --offers "$offers" --out "$dir" >/dev/null
      fi
      echo "$dir" ;;
    *) echo "unknown rule set $1 (demo, generated-N)" >&2; exit 2 ;;
  esac
}

floor=false
start_service() {
  local rs="$1" dir
  dir=$(rules_dir "$rs")
  # A rule set published by an earlier scenario stays active across restarts; start each rule set from its folder.
  cli --scan --pattern 'nbo:{rules}:*' | while read -r k; do cli del "$k" >/dev/null; done
  echo "== service on $rs ($dir)"
  # shellcheck disable=SC2086
  NBO_SECURITY_ENABLED=false NBO_REDIS_URL="redis://127.0.0.1:$redis_port" NBO_RULES_DIR="$dir" QUARKUS_HTTP_PORT=$http_port \
    NBO_BENCHMARK_FLOOR_ENABLED=true java $java_opts -jar "$out/app/quarkus-run.jar" >"$out/service-$rs.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { echo "the service stopped; see $out/service-$rs.log" >&2; exit 1; }
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null || { echo "the service is not ready after 300 s" >&2; exit 1; }
  curl -fs "http://127.0.0.1:$http_port/v1/rulesets/active" >"$out/ruleset-$rs.json"
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"customerId\":\"$one\",\"channel\":\"web\",\"placement\":\"home-hero\",\"limit\":1}" "http://127.0.0.1:$http_port/bench/floor")
  if [ "$code" = 200 ]; then floor=true; else floor=false; echo "   no floor endpoint (POST /bench/floor answered $code): capacity runs without it"; fi
}

# Used heap (bytes) after a forced full GC, taken right after a measured phase (so the GC is not in the figures).
heap_after_gc() {
  jcmd "$pid" GC.run >/dev/null
  # G1 prints " garbage-first heap   total 516096K, used 123456K [...]".
  jcmd "$pid" GC.heap_info | awk '/heap +total/ {for (i = 1; i < NF; i++) if ($i == "used") {sub(/K.*/, "", $(i + 1)); print $(i + 1); exit}}' | { read -r kb; echo $(( ${kb:-0} * 1024 )); }
}

simulation_of() {
  case "$1" in
    page-view | scale) echo PageViewSimulation ;; call-center) echo CallCenterSimulation ;;
    events) echo EventsMixedSimulation ;; publish) echo PublishUnderLoadSimulation ;; capacity) echo CapacitySimulation ;;
    overload) echo OverloadSimulation ;;
    *) echo "unknown scenario $1 (page-view, call-center, events, publish, capacity, scale, overload)" >&2; exit 2 ;;
  esac
}

run_scenario() {
  local rs="$1" scenario="${2%@*}" sim dir r n="" label
  sim=$(simulation_of "$scenario"); dir=$(rules_dir "$rs")
  r=$rate; [ "$scenario" = scale ] && r=$scale_rate; [[ "$2" == *@* ]] && r="${2#*@}"
  label="$scenario-$r-$rs"
  if [[ "$rs" == generated-* ]]; then n="${rs#generated-}"; fi
  echo "== $scenario on $rs ($sim, rate $r/s, warm-up ${warmup}s, measured ${duration}s)"
  local props=(-Dgatling.simulationClass="io.nbo.loadtests.$sim" -Dnbo.baseUrl="http://127.0.0.1:$http_port"
    -Dnbo.rate="$r" -Dnbo.warmup="$warmup" -Dnbo.duration="$duration" -Dnbo.customers="$customers" -Dnbo.seed="$seed"
    -Dnbo.concurrency="$concurrency" -Dnbo.rounds="$rounds" -Dnbo.publishes="$publishes" -Dnbo.floor="$floor"
    -Dnbo.rulesDir="$dir" -Dnbo.statsOut="$out/stats-$label.json" -Dnbo.overloadRate="$overload_rate")
  # The generated rule sets' requests name their placements and campaigns (RuleSetGenerator's pools).
  [ -z "$n" ] || props+=(-Dnbo.placements=$(( n / 25 > 3 ? n / 25 : 3 )) -Dnbo.campaigns=$(( n / 50 > 5 ? n / 50 : 5 )))
  # Each scenario starts with every global cap's inventory full (black-friday-30 takes 100,000 servings,
  # which a few scenarios use up): otherwise later scenarios would decide without its commit step.
  cli --scan --pattern 'nbo:{g:*}:taken' | while read -r k; do cli del "$k" >/dev/null; done
  rm -f load-tests/gatling/target/gatling/lastRun.txt
  timeout $(( warmup + duration + 300 )) bash -c 'cd load-tests/gatling && ../../mvnw -q -B gatling:test "$@"' _ "${props[@]}" \
    >"$out/gatling-$label.log" 2>&1 || echo "   gatling ended with $? (see $out/gatling-$label.log)"
  grep -A12 '^---- Global Information' "$out/gatling-$label.log" | grep -E 'request count|50th|99th|99.9th|throughput' || true
  local heap report=""
  heap=$(heap_after_gc)
  if [ -s load-tests/gatling/target/gatling/lastRun.txt ]; then
    report="$out/gatling/$label"; mkdir -p "$out/gatling"
    mv "load-tests/gatling/target/gatling/$(head -1 load-tests/gatling/target/gatling/lastRun.txt)" "$report"
  fi
  [ -s "$out/stats-$label.json" ] || echo '{"requests": {}, "params": {}}' >"$out/stats-$label.json"
  jq --arg scenario "$scenario" --arg rs "$rs" --argjson heap "$heap" --arg report "${report#"$root/"}" \
    --argjson ruleset "$(cat "$out/ruleset-$rs.json")" \
    '. + {scenario: $scenario, ruleSet: $rs, rules: $ruleset.rules, offers: $ruleset.offers, heapUsedAfterGcBytes: $heap,
          report: (if $report == "" then null else $report + "/index.html" end)}' \
    "$out/stats-$label.json" >"$out/stats-$label.json.tmp" && mv "$out/stats-$label.json.tmp" "$out/stats-$label.json"
  stats+=("$out/stats-$label.json")
}

current=""
stats=()
while read -r rs scenario; do
  [ -n "$rs" ] || continue
  if [ "$rs" != "$current" ]; then stop_service; start_service "$rs"; current=$rs; fi
  run_scenario "$rs" "$scenario"
done <<<"$plan"
stop_service

# The summary: the machine, Redis memory, and per scenario what load-tests/gatling/summary.jq derives from the timings.
git_commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src rules load-tests ':!load-tests/README.md' 2>/dev/null || echo "-dirty")
jq -n --arg run "$run_id" --arg date "$(date -u +%Y-%m-%d)" --argjson nproc "$(nproc)" \
  --arg memory "$(awk '/^MemTotal:/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)" \
  --arg cpu "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" \
  --arg java "$(java -version 2>&1 | head -1)" --arg redis "$("$redis" --version | awk '{print $3}' | sed 's/v=//')" \
  --arg commit "$git_commit" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --slurpfile redisMemory "$out/redis-memory.json" \
  '{run: $run, date: $date, machine: {cpus: $nproc, memory: $memory, cpu: $cpu, java: $java, redis: $redis,
    loadAverageAtEnd: $load, note: "load generator, service and Redis on the same machine"}, commit: $commit, redisMemory: $redisMemory[0]}' \
  >"$out/machine.json"
jq -s -f load-tests/gatling/summary.jq "$out/machine.json" "${stats[@]}" >"$out/summary.json"
cp "$out/summary.json" "$root/target/load-tests/latest-summary.json"
echo "summary: $out/summary.json"
jq -r '.scenarios[] | "\(.scenario) on \(.ruleSet): \(.achievedRate // "-")/s (target \(.targetRate)), p50 \(.p50Ms) p99 \(.p99Ms) p99.9 \(.p999Ms) ms, errors \(.errors), floor fraction \(.fractionOfFloor // "-")"' "$out/summary.json"

if [ "${TABLE:-1}" = 1 ]; then
  jq -r -f load-tests/gatling/table.jq "$out/summary.json" >"$out/table.md"
  awk -v table="$out/table.md" '
    /<!-- harness:table:begin -->/ {print; while ((getline line < table) > 0) print line; skip = 1; next}
    /<!-- harness:table:end -->/ {skip = 0}
    !skip {print}' load-tests/README.md >"$out/README.md" && cp "$out/README.md" load-tests/README.md
  echo "load-tests/README.md: table rewritten from $out/summary.json"
fi
# A failed request anywhere (above all during a publish) fails the run.
jq -e '[.scenarios[].errors] | add == 0' "$out/summary.json" >/dev/null || { echo "some requests failed: see the summary" >&2; exit 1; }
