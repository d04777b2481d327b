#!/usr/bin/env bash
# Rules change under steady load: does any request fail? Starts its own redis-server (port 6391)
# and nbo (port 8093) on a copy of rules/, drives POST /v1/decisions with wrk for DURATION while the
# copy is edited every few seconds (each edit compiles and publishes a new version), then prints
# wrk's figures (errors, non-2xx) and how many versions went live. Traffic goes to 127.0.0.1 only.
#
#   load-tests/wrk/reload-under-load.sh    # DURATION=40s CONNECTIONS=4 EDITS=8 NBO_CUSTOMERS=10000
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/lib.sh
duration="${DURATION:-40s}"; connections="${CONNECTIONS:-4}"; edits="${EDITS:-8}"; customers="${NBO_CUSTOMERS:-10000}"
redis_port=6391; http_port=8093
need wrk "sudo apt-get install -y wrk"

./mvnw -q -B -DskipTests package
rules="$PWD/target/reload-rules"; rm -rf "$rules"; mkdir -p "$rules"; cp rules/*.drl rules/offers.yaml rules/policies.yaml "$rules/"
redis_with_customers reload "$redis_port" "$customers"

NBO_SECURITY_ENABLED=false NBO_REDIS_URL="redis://127.0.0.1:$redis_port" NBO_RULES_DIR="$rules" QUARKUS_HTTP_PORT=$http_port \
  java -jar target/quarkus-app/quarkus-run.jar >target/reload-service.log 2>&1 &
pid=$!
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
reloads() { curl -s "http://127.0.0.1:$http_port/q/metrics" | awk '/^nbo_ruleset_reloads_total\{result="ok"/ {print $2}'; }

echo "warm-up (10s)"
NBO_CUSTOMERS=$customers wrk -t1 -c2 -d10s -s load-tests/wrk/decision.lua "http://127.0.0.1:$http_port/v1/decisions" >/dev/null
before=$(reloads)
seconds=${duration%s}
(
  # Each edit changes a boost, so every save is a new version that compiles, is published and swapped in.
  for i in $(seq "$edits"); do
    sleep $(( seconds / (edits + 1) ))
    printf 'package rules;\nimport io.nbo.model.*;\nrule "Reload test %s"\nwhen\n    $r : Result()\n    $o : Offer(id == "bestsellers-discovery")\nthen\n    $r.boost($o, 1.%s, "reload %s");\nend\n' "$i" "$i" "$i" > "$rules/zz-reload.drl"
  done
) &
editor=$!
echo "== $connections connections for $duration, $edits rule edits meanwhile"
NBO_CUSTOMERS=$customers wrk -t2 -c"$connections" -d"$duration" --latency -s load-tests/wrk/decision.lua \
  "http://127.0.0.1:$http_port/v1/decisions" | grep -E 'Non-2xx|Socket errors|requests|p50|p9|^requests'
wait "$editor"
sleep 3
after=$(reloads)
echo "versions that went live during the run: $(awk -v a="$after" -v b="$before" 'BEGIN {print a - b}') of $edits edits"
grep -c 'refused' target/reload-service.log | sed 's/^/refused rule sets in the log: /'
