#!/usr/bin/env bash
# Reloads in a row through the running service: do heap and metaspace stay bounded? Starts its own
# redis-server (port 6392) and nbo (port 8094, -Xmx1g, G1) on a copy of rules/, imports demo
# customers, then publishes RELOADS new versions in a row with POST /v1/rulesets (the demo rule set,
# its scenarios unless TESTS=0, and a generated DRL file of RENAMED rules whose names are new each
# time), with DECISIONS decisions after each. Every EVERY publishes: two full GCs in the service (jcmd GC.run), then heap
# used, Metaspace and class space used (jcmd GC.heap_info), classes loaded and unloaded (jstat -class),
# the process's resident memory, and the mean publish time. Prints a Markdown table, and the classes
# whose instances grew most between the second checkpoint and the last (jcmd GC.class_histogram).
# A publish refused with 422 is reported and counted, and the run goes on; the exit status is 1 if
# any publish was refused or any decision did not answer 200.
# Traffic goes to 127.0.0.1 only; everything it started is stopped on exit, Ctrl-C included.
#
#   load-tests/scale/reload-memory.sh # RELOADS=200 EVERY=20 DECISIONS=50 RENAMED=20 NBO_CUSTOMERS=5000 TESTS=1, SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/lib.sh
reloads="${RELOADS:-200}"; every="${EVERY:-20}"; decisions="${DECISIONS:-50}"; customers="${NBO_CUSTOMERS:-5000}"
tests="${TESTS:-1}"; renamed="${RENAMED:-20}"
redis_port=6392; http_port=8094; base="http://127.0.0.1:$http_port"
need redis-cli "sudo apt-get install -y redis-tools"; need curl "sudo apt-get install -y curl"; need jq "sudo apt-get install -y jq"
# jcmd and jstat of the JDK that runs the service, not whichever is first on PATH.
jdk_bin="$(dirname "$(readlink -f "$(command -v java)")")"
jcmd="$jdk_bin/jcmd"; jstat="$jdk_bin/jstat"
[ -x "$jcmd" ] && [ -x "$jstat" ] || { echo "jcmd and jstat are needed next to $jdk_bin/java (a JDK, not a JRE)" >&2; exit 1; }
for port in "$redis_port" "$http_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "port $port is in use" >&2; exit 1; fi
done

[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -q -B -DskipTests package
out="$PWD/target/reload-memory"
rm -rf "$out"; mkdir -p "$out/rules"
# A copy of the packaged app, so that a build started meanwhile cannot swap jars under the service.
cp -r target/quarkus-app "$out/app"
cp rules/*.drl rules/offers.yaml "$out/rules/"
[ "$tests" = 1 ] && cp -r rules/tests "$out/rules/"

pid=; redis_pid=
stop() {
  local p
  for p in "$pid" "$redis_pid"; do
    if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

redis=$(redis_server)
"$redis" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$out" --logfile "$out/redis.log" &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
nbo_in "$out/app" generate --count "$customers" --seed 42 --out "$out/customers.jsonl" >/dev/null
nbo_in "$out/app" import --redis "redis://127.0.0.1:$redis_port" "$out/customers.jsonl" 2>/dev/null | sed -n 1p

NBO_SECURITY_ENABLED=false NBO_REDIS_URL="redis://127.0.0.1:$redis_port" NBO_RULES_DIR="$out/rules" QUARKUS_HTTP_PORT=$http_port \
  java -Xmx1g -XX:+UseG1GC -jar "$out/app/quarkus-run.jar" >"$out/service.log" 2>&1 &
pid=$!
for _ in $(seq 120); do curl -fs "$base/q/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$base/q/health/ready" >/dev/null || { echo "the service did not get ready; see $out/service.log" >&2; exit 1; }

# The publish body: every file of the rules copy; each publish adds zz-reload.drl.
jq -n '{files: {}, author: "reload-memory.sh"}' >"$out/base.json"
for f in "$out"/rules/*.drl "$out"/rules/offers.yaml; do
  jq --arg n "$(basename "$f")" --rawfile c "$f" '.files[$n] = $c' "$out/base.json" >"$out/tmp.json" && mv "$out/tmp.json" "$out/base.json"
done
if [ "$tests" = 1 ]; then
  for f in "$out"/rules/tests/*.yaml; do
    jq --arg n "tests/$(basename "$f")" --rawfile c "$f" '.files[$n] = $c' "$out/base.json" >"$out/tmp.json" && mv "$out/tmp.json" "$out/base.json"
  done
fi

# DECISIONS decisions over one connection (one curl, a config of many requests): random demo
# customers, channels in turn. Adds the answers that were not 200 to $failed_decisions.
failed_decisions=0; channels=(web app email call_center store sms push)
decide() {
  local i id
  : >"$out/decisions.curl"
  for ((i = 0; i < decisions; i++)); do
    id=$(printf 'demo-%06d' $(( (RANDOM * 32768 + RANDOM) % customers + 1 )))
    (( i == 0 )) || echo next >>"$out/decisions.curl"
    printf 'url = "%s/v1/decisions"\nheader = "Content-Type: application/json"\ndata = "{\\"customerId\\":\\"%s\\",\\"channel\\":\\"%s\\",\\"placement\\":\\"home-hero\\",\\"limit\\":3}"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
      "$base" "$id" "${channels[i % ${#channels[@]}]}" >>"$out/decisions.curl"
  done
  failed_decisions=$(( failed_decisions + decisions - $(curl -s -K "$out/decisions.curl" | grep -c '^200$' || true) ))
}

# Two full GCs (G1 unloads classes in a full GC), then the figures in KB: heap used, Metaspace used,
# class space used; classes ever loaded and unloaded (jstat; row() prints loaded now = the difference);
# resident set.
measure() {
  "$jcmd" "$pid" GC.run >/dev/null; "$jcmd" "$pid" GC.run >/dev/null
  local heap classes
  heap=$("$jcmd" "$pid" GC.heap_info | awk '
    /heap +total/ {for (i = 1; i <= NF; i++) if ($i == "used") h = $(i + 1)}
    /Metaspace +used/ {m = $3} /class space +used/ {c = $4}
    END {gsub(/[K,]/, "", h); gsub(/[K,]/, "", m); gsub(/[K,]/, "", c); print h, m, c}')
  classes=$("$jstat" -class "$pid" | awk 'NR == 2 {print $1, $3}')
  echo "$heap $classes $(ps -o rss= -p "$pid")"
}

table="$out/table.md"
printf '| publishes | heap used after GC | metaspace used | class space used | classes loaded | classes unloaded (total) | resident set | mean publish |\n|---|---|---|---|---|---|---|---|\n' >"$table"
row() { # publishes, mean publish (ms or empty), then measure's six figures; MB are 2^20 bytes
  awk -v n="$1" -v t="$2" -v h="$3" -v m="$4" -v c="$5" -v l="$6" -v u="$7" -v r="$8" '
    function th(x) { x = sprintf("%d", x); while (x ~ /[0-9]{4}/) sub(/[0-9]{3}($|,)/, ",&", x); return x }
    BEGIN { printf "| %s | %.1f MB | %.1f MB | %.1f MB | %s | %s | %.0f MB | %s |\n", th(n), h / 1024, m / 1024, c / 1024,
      th(l - u), th(u), r / 1024, t == "" ? "" : th(t) " ms" }' >>"$table"
  tail -1 "$table"
}
histogram() { "$jcmd" "$pid" GC.class_histogram >"$out/histogram-$1.txt"; }

start=$SECONDS
decide
# shellcheck disable=SC2046
row 0 "" $(measure)
histogram 0
publish_ms=0; checkpoints=(0); refused=0
for ((i = 1; i <= reloads; i++)); do
  # RENAMED rules with names never compiled before, so each publish also brings new generated class names.
  {
    printf 'package rules;\n\nimport io.nbo.model.*;\n'
    for ((k = 1; k <= renamed; k++)); do
      printf '\nrule "Reload memory test %d, rule %d"\nwhen\n    $r : Result()\n    $o : Offer(id == "bestsellers-discovery")\nthen\n    $r.boost($o, 1.0, "reload %d");\nend\n' \
        "$i" "$k" "$i"
    done
  } >"$out/zz-reload.drl"
  jq --rawfile c "$out/zz-reload.drl" --arg m "reload $i of $reloads" '.files["zz-reload.drl"] = $c | .message = $m' \
    "$out/base.json" >"$out/body.json"
  read -r code seconds < <(curl -s -o "$out/publish.json" -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' \
    --data-binary @"$out/body.json" "$base/v1/rulesets")
  if [ "$code" = 422 ]; then
    # Refused (e.g. a warm-up over its 1 s budget on a busy machine): say why, count it, go on.
    refused=$(( refused + 1 )); echo "publish $i refused: $(jq -c '[.errors[].detail]' "$out/publish.json")" >&2
  elif [ "$code" != 201 ]; then
    echo "publish $i answered $code:" >&2; cat "$out/publish.json" >&2; echo >&2; exit 1
  fi
  publish_ms=$(awk -v a="$publish_ms" -v s="$seconds" 'BEGIN {print a + s * 1000}')
  decide
  if (( i % every == 0 || i == reloads )); then
    n=$(( i - ${checkpoints[-1]} ))
    # shellcheck disable=SC2046
    row "$i" "$(awk -v a="$publish_ms" -v n="$n" 'BEGIN {printf "%.0f", a / n}')" $(measure)
    histogram "$i"
    publish_ms=0; checkpoints+=("$i")
  fi
done
elapsed=$(( SECONDS - start ))

echo
cat "$table"
echo
echo "$reloads publishes ($(( reloads - refused )) answered 201, $refused refused), $(( (reloads + 1) * decisions )) decisions ($failed_decisions not 200)," \
  "$(( elapsed / 60 )) min $(( elapsed % 60 )) s; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "active: $(curl -s "$base/v1/rulesets/active" | jq -c '{version, rules, offers}')," \
  "Redis used_memory $(redis-cli -p "$redis_port" info memory | awk -F: '/^used_memory:/ {printf "%.1f MB", $2 / 1048576}') (every version is stored)"
if (( ${#checkpoints[@]} > 2 )); then
  # What grew between the second checkpoint (past the warm-up) and the last, by class.
  from=${checkpoints[1]}; to=${checkpoints[-1]}
  echo
  echo "class histogram, bytes that grew most from $from to $to publishes (all in $out/histogram-*.txt):"
  # Names Drools generates per version (ConditionEvaluator<hex>, rules.Rule_<name><hash>...) are summed as one.
  awk '$1 !~ /^[0-9]+:$/ {next}
       {k = $4; gsub(/[0-9a-f]{8,}/, "#", k); if (k ~ /^rules\./) gsub(/[0-9]+/, "#", k)}
       FNR == NR {b[k] += $3; bi[k] += $2; next}
       {a[k] += $3; ai[k] += $2}
       END {for (k in a) if (a[k] != b[k]) printf "%12d bytes %+9d instances  %s\n", a[k] - b[k], ai[k] - bi[k], k}' \
    "$out/histogram-$from.txt" "$out/histogram-$to.txt" | sort -k1,1nr | head -10 || true  # head closes the pipe early: not a failure
fi
(( refused == 0 && failed_decisions == 0 ))
