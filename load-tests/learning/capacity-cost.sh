#!/usr/bin/env bash
# What learning costs (load-tests/README.md, "Learning: what it costs"): decisions/s and latency with learning off
# (the engagement formula) and on (learned models with predictors, Thompson sampling on the demo's "home-hero"
# placement, 100 choice draws), alternating off, on, off, on in one run; then event ingestion with learning off and on.
# Everything on 127.0.0.1, bounded in time. About 6 minutes.
#
#   load-tests/learning/capacity-cost.sh
#     CONNECTIONS (16)  DURATION (30s per measurement)  WARMUP (120s)  NBO_CUSTOMERS (100000)  SKIP_BUILD=1 to use the last build
# The warm-up is long on purpose: on 2 cores the JIT takes about two minutes under this load before a fresh JVM's
# decisions/s settle (measured: 1,050/s in its first 15 s, 2,700/s after 90 s, with C2 busy all along).
# Each measurement starts from the same contact histories (none): every customer's contacts and journey are
# deleted before it, so the contact policies stop as much in both settings.
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/lib.sh
connections="${CONNECTIONS:-16}"; duration="${DURATION:-30s}"; warmup="${WARMUP:-120s}"; customers="${NBO_CUSTOMERS:-100000}"
redis_port=6396; http_port=8096
need wrk "sudo apt-get install -y wrk"
need redis-cli "sudo apt-get install -y redis-tools"

[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -DskipTests package
redis_with_customers cost "$redis_port" "$customers"

# Models as after a few weeks of traffic: every demo offer on the web with 5,000 impressions, and counts of today's
# epoch for the demo's declared predictors (tier separates responders; age a little), so decisions build on
# contextual tables, not on the prior alone.
python3 - rules/offers.yaml <<'PY' | redis-cli -p "$redis_port" --pipe >/dev/null
import re, sys, time
ids = re.findall(r"^  - id: ([a-z0-9_-]+)", open(sys.argv[1]).read(), re.M)
epoch = int(time.time() * 1000) // 86_400_000
def cmd(*args):
    out = "*%d\r\n" % len(args)
    for a in args:
        b = str(a).encode()
        out += "$%d\r\n%s\r\n" % (len(b), a)
    return out
for i, offer in enumerate(ids):
    rate = 0.02 + 0.01 * (i % 6)
    m = "%s|web" % offer
    fields = {"t|" + m: 5000, "p|" + m: int(5000 * rate), "u|" + m: int(time.time() * 1000),
              "t|%s|%d" % (m, epoch): 5000, "p|%s|%d" % (m, epoch): int(5000 * rate)}
    for j, tier in enumerate(["bronze", "silver", "gold", "platinum"]):
        fields["t|%s|%d|tier|s:%s" % (m, epoch, tier)] = 1250
        fields["p|%s|%d|tier|s:%s" % (m, epoch, tier)] = int(1250 * rate * (0.5 + 0.4 * j))
    for age in range(18, 80):
        fields["t|%s|%d|age|n:%d" % (m, epoch, age)] = 80
        fields["p|%s|%d|age|n:%d" % (m, epoch, age)] = int(80 * rate * (0.7 + age / 100))
    args = ["HSET", "nbo:{learning}:models"]
    for k, v in fields.items():
        args += [k, v]
    sys.stdout.write(cmd(*args))
PY

start() {
  NBO_SECURITY_ENABLED=false NBO_REDIS_URL="redis://127.0.0.1:$redis_port" QUARKUS_HTTP_PORT=$http_port \
    NBO_LEARNING_ENABLED="$1" java -jar target/quarkus-app/quarkus-run.jar >"target/cost-service-$1.log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$pid/stat"; }

results=target/cost-results.txt; : >"$results"
forget_contacts() {
  redis-cli -p "$redis_port" --scan --pattern 'nbo:{p:*}:c:*:contacts' | xargs -r -n 1000 redis-cli -p "$redis_port" del >/dev/null
  redis-cli -p "$redis_port" --scan --pattern 'nbo:{p:*}:c:*:journey' | xargs -r -n 1000 redis-cli -p "$redis_port" del >/dev/null
}

for learning in false true false true; do
  forget_contacts
  start "$learning"
  # What the measured decisions are made of: the model and exploration of a served offer (and no run without rules).
  model=$(for n in 1 2 3 4 5 6 7 8 9; do curl -s -XPOST -H 'Content-Type: application/json' "http://127.0.0.1:$http_port/v1/decisions" \
    -d "{\"customerId\":\"demo-00000$n\",\"channel\":\"web\",\"placement\":\"home-hero\"}"; echo; done | python3 -c '
import json, sys
answers = [json.loads(l) for l in sys.stdin if l.strip()]
if any(r["code"] == "no_rule_set" for a in answers for r in a["reasons"]):
    sys.exit("no rule set is active: nothing to measure")
served = [o for a in answers for o in a["offers"]]
print(served[0]["model"]["name"] + "/" + served[0]["model"]["exploration"] if served else "-")')
  NBO_CUSTOMERS=$customers wrk -t2 -c"$connections" -d"$warmup" -s load-tests/wrk/decision.lua "http://127.0.0.1:$http_port/v1/decisions" >/dev/null
  c0=$(cpu)
  out=$(NBO_CUSTOMERS=$customers wrk -t2 -c"$connections" -d"$duration" -s load-tests/wrk/decision.lua "http://127.0.0.1:$http_port/v1/decisions")
  c1=$(cpu)
  rate=$(echo "$out" | awk '/^requests/ {gsub("/s", "", $NF); print $NF}')
  p50=$(echo "$out" | awk '$1 == "p50" {print $2}'); p99=$(echo "$out" | awk '$1 == "p99" {print $2}')
  secs=$(echo "$duration" | tr -d s)
  us=$(awk -v c="$(echo "$c1 - $c0" | bc)" -v r="$rate" -v s="$secs" 'BEGIN {printf "%.0f", c * 1e6 / (r * s)}')
  echo "learning=$learning decisions/s=$rate p50=$p50 p99=$p99 cpu_us=$us model=$model" | tee -a "$results"
  stop
done

# Event ingestion: the events harness (its own Redis and service), learning off and on.
for learning in false true; do
  ev=$(NBO_LEARNING_ENABLED=$learning SKIP_BUILD=1 DURATION=20s load-tests/wrk/events-throughput.sh 2>&1 | awk '/^events applied/ {print $(NF-1)}')
  echo "events learning=$learning events/s=$ev" | tee -a "$results"
done

table=$(awk '
  /^learning=/ { split($1, l, "="); split($2, r, "="); split($3, a, "="); split($4, b, "="); split($5, c, "="); split($6, m, "=");
    k = l[2]; n[k]++; rate[k] += r[2]; p50[k] = p50[k] " " a[2]; p99[k] = p99[k] " " b[2]; cpu[k] += c[2]; model[k] = m[2] }
  /^events/ { split($2, l, "="); split($3, e, "="); ev[l[2]] = e[2] }
  END {
    print "| learning | model | decisions/s (mean of 2) | p50 (ms) | p99 (ms) | service CPU per decision | events/s |"
    print "|---|---|---|---|---|---|---|"
    for (k = 0; k < 2; k++) { key = k ? "true" : "false"
      printf "| %s | %s | %.0f | %s | %s | %.0f µs | %s |\n", key == "true" ? "on" : "off", model[key], rate[key] / n[key], p50[key], p99[key], cpu[key] / n[key], ev[key] }
    printf "\nDecisions/s with learning on: %.1f %% of off (target: at least 90 %%).\n", 100 * (rate["true"] / n["true"]) / (rate["false"] / n["false"])
  }' "$results")
echo "$table"
{
  echo "<!-- learning:cost:begin -->"
  echo "Run $(date -u +%Y-%m-%d) at $(git rev-parse --short HEAD), ${connections} connections, ${warmup} warm-up and ${duration} per measurement, ${customers} customers (\`load-tests/learning/capacity-cost.sh\`):"
  echo
  echo "$table"
  echo "<!-- learning:cost:end -->"
} >target/cost-section.md
python3 - <<'PY'
import re
readme = open("load-tests/README.md").read()
section = open("target/cost-section.md").read().rstrip("\n")
pattern = re.compile(r"<!-- learning:cost:begin -->.*?<!-- learning:cost:end -->", re.S)
if pattern.search(readme):
    readme = pattern.sub(lambda m: section, readme)
    open("load-tests/README.md", "w").write(readme)
    print("load-tests/README.md: the learning cost table is rewritten")
else:
    print("load-tests/README.md has no learning:cost markers; the table is in target/cost-section.md")
PY
