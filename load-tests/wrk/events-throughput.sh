#!/usr/bin/env bash
# How many events a second one nbo instance ingests through POST /v1/events. Starts its own
# redis-server (port 6395, nothing kept on disk) and nbo (a free port), imports demo customers,
# records one decision per customer for attribution, warms up, then drives batches of 500 events
# (unique ids; impressions and clicks naming a recorded decision, page views, cart adds, purchases) with wrk for
# DURATION. Prints events applied a second (from nbo_events_total), errors, latency per batch and
# Redis' own time per event script. Traffic goes to 127.0.0.1 only; Ctrl-C stops everything.
#
#   load-tests/wrk/events-throughput.sh # DURATION=30s CONNECTIONS=4 THREADS=1 NBO_BATCH=500 NBO_CUSTOMERS=10000 SKIP_BUILD=1
#   NBO_MIX=0,0,100,0,0 load-tests/wrk/events-throughput.sh   # % impressions, clicks, page views, cart adds, purchases (default 40,10,33,15,2)
#   NBO_JAVA_OPTS="-XX:StartFlightRecording=filename=target/events.jfr,settings=profile" load-tests/wrk/events-throughput.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/lib.sh
duration="${DURATION:-30s}"; connections="${CONNECTIONS:-4}"; threads="${THREADS:-1}"
batch="${NBO_BATCH:-500}"; customers="${NBO_CUSTOMERS:-10000}"
redis_port=6395
need wrk "sudo apt-get install -y wrk"
need redis-cli "sudo apt-get install -y redis-tools"
http_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -DskipTests package
redis_with_customers events "$redis_port" "$customers"
cli() { redis-cli -p "$redis_port" "$@"; }
# One recorded decision per customer, in the decision side's format, so offer events are attributed.
python3 - "$customers" <<'PY' | cli --pipe >/dev/null
import json, sys, time, zlib
def cmd(*args):
    out = "*%d\r\n" % len(args)
    for a in args:
        b = a.encode()
        out += "$%d\r\n%s\r\n" % (len(b), a)
    return out
now = int(time.time() * 1000)
for n in range(1, int(sys.argv[1]) + 1):
    c = "demo-%06d" % n
    p = zlib.crc32(c.encode()) % 1024
    rec = {"v": "load-test", "c": "web", "at": now,
           "o": [{"id": "bestsellers-discovery", "ch": "web", "s": 1.2, "p": [0.05, 24.0, 1.0, 1.0]}]}
    sys.stdout.write(cmd("SET", "nbo:{p:%04d}:d:dec-%s" % (p, c), json.dumps(rec, separators=(",", ":")), "EX", "86400"))
PY

NBO_SECURITY_ENABLED=false NBO_REDIS_URL="redis://127.0.0.1:$redis_port" QUARKUS_HTTP_PORT=$http_port NBO_RULES_WATCH_FOLDER=false \
  java ${NBO_JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar >target/events-service.log 2>&1 &
pid=$!
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
applied() { curl -s "http://127.0.0.1:$http_port/q/metrics" | awk '/^nbo_events_total\{.*result="applied"/ {s += $2} END {printf "%d", s}'; }
# CPU seconds used so far by the service and by Redis, to tell cost per event apart from a busy machine.
service_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$pid/stat"; }
redis_cpu() { cli info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ {s += $2} END {printf "%.2f", s}'; }

echo "warm-up (15s)"
export NBO_MIX="${NBO_MIX:-40,10,33,15,2}"
NBO_RUN=warm NBO_BATCH=$batch NBO_CUSTOMERS=$customers wrk -t1 -c2 -d15s -s load-tests/wrk/events.lua \
  "http://127.0.0.1:$http_port/v1/events" >/dev/null
cli config resetstat >/dev/null
before=$(applied); start=$(date +%s.%N); cpu0=$(service_cpu); rcpu0=$(redis_cpu)
echo "== $connections connections, $threads wrk thread(s), batches of $batch, mix $NBO_MIX, $duration"
NBO_RUN=run NBO_BATCH=$batch NBO_CUSTOMERS=$customers wrk -t"$threads" -c"$connections" -d"$duration" --latency \
  -s load-tests/wrk/events.lua "http://127.0.0.1:$http_port/v1/events" | sed -n '/^batches/,$p'
end=$(date +%s.%N); after=$(applied); cpu1=$(service_cpu); rcpu1=$(redis_cpu)
awk -v a="$after" -v b="$before" -v s="$start" -v e="$end" -v c0="$cpu0" -v c1="$cpu1" -v r0="$rcpu0" -v r1="$rcpu1" 'BEGIN {
  n = a - b; printf "events applied: %d in %.1f s = %.0f events/s\n", n, e - s, n / (e - s)
  printf "CPU per event: nbo %.1f us, redis %.1f us (nbo %.1f s, redis %.1f s of CPU)\n", (c1 - c0) * 1e6 / n, (r1 - r0) * 1e6 / n, c1 - c0, r1 - r0 }'
cli info commandstats | tr -d '\r' | awk -F'[:,=]' '/^cmdstat_(evalsha|eval):/ {printf "redis %s: %s calls, %s us per call\n", $1, $3, $7}'
grep -c 'events not stored' target/events-service.log | sed 's/^/503 answers in the log: /' || true
uptime | sed 's/.*load/machine load/'
