#!/usr/bin/env bash
# A quick latency check of POST /v1/decisions: one client (closed loop) against a local nbo with the
# demo rule set and demo customers. Traffic goes to 127.0.0.1 only; each run is bounded in time.
# The open-model harness with HDR percentiles and the floor is gatling/run.sh (load-tests/README.md).
#
#   load-tests/wrk/quick-latency.sh        # NBO_CUSTOMERS (10000), DURATION (20s), CONNECTIONS (1)
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/lib.sh
customers="${NBO_CUSTOMERS:-10000}"; duration="${DURATION:-20s}"; connections="${CONNECTIONS:-1}"
redis_port=6390; http_port=8089
need wrk "sudo apt-get install -y wrk"

./mvnw -q -B -DskipTests package
redis_with_customers latency "$redis_port" "$customers"

NBO_SECURITY_ENABLED=false NBO_REDIS_URL="redis://127.0.0.1:$redis_port" QUARKUS_HTTP_PORT=$http_port java -jar target/quarkus-app/quarkus-run.jar >target/latency-service.log 2>&1 &
pid=$!
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done

echo "warm-up (15s, 2 connections)"
NBO_CUSTOMERS=$customers wrk -t1 -c2 -d15s -s load-tests/wrk/decision.lua "http://127.0.0.1:$http_port/v1/decisions" >/dev/null
for channel in web call_center; do
  limit=1; [ "$channel" = call_center ] && limit=5
  echo "== channel=$channel limit=$limit, $connections connection(s), $duration"
  NBO_CUSTOMERS=$customers NBO_CHANNEL=$channel NBO_LIMIT=$limit \
    wrk -t1 -c"$connections" -d"$duration" -s load-tests/wrk/decision.lua "http://127.0.0.1:$http_port/v1/decisions" | sed -n '/^requests/,$p'
done
