#!/usr/bin/env bash
# Runs nbo on this machine with the demo rule set (rules/) and deterministic demo customers.
#
#   deployment/local/demo.sh [--no-build]
#
# Builds the service (--no-build: use the last build), starts a Redis of its own on a free loopback
# port (the redis-server on the PATH, else the embedded one the build unpacks into target/; its log
# under target/demo-redis/, nothing kept after it stops), or writes to the Redis at NBO_REDIS_URL when
# that is set; loads demo customers, starts the service on port 8080 (QUARKUS_HTTP_PORT) and prints
# curl commands to try. Ctrl-C, SIGINT or SIGTERM stops everything it started.
#
# Settings: NBO_REDIS_URL, QUARKUS_HTTP_PORT, NBO_DEMO_CUSTOMERS (how many, default 10000), NBO_DEMO_KEY
# (the API key), NBO_DEMO_REDIS (which redis-server for its own Redis: auto, the default, system or embedded).
set -euo pipefail
cd "$(dirname "$0")/../.."

build=yes
for arg in "$@"; do
  case "$arg" in
    --no-build) build=no ;;
    -h|--help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) printf 'demo.sh: unknown argument %s (try --help)\n' "$arg" >&2; exit 2 ;;
  esac
done
port="${QUARKUS_HTTP_PORT:-8080}"
count="${NBO_DEMO_CUSTOMERS:-10000}"
if [ -t 2 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
say() { printf '%snbo demo:%s %s\n' "$bold" "$plain" "$*" >&2; }
die() { say "$*"; exit 1; }

# Everything started is stopped on the way out, whatever the way: the end of the service, an error,
# Ctrl-C, SIGINT or SIGTERM. Long steps run in the background and are waited for, so that a signal
# is acted on at once (bash runs a trap only after a foreground command has finished).
child="" service="" redis_pid="" redis_port=""
cleanup() {
  set +e   # every step must run, even when an earlier one finds nothing to stop
  trap '' INT TERM   # and a second Ctrl-C must not cut it short
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi
  stopped=()
  # A signal sent to the whole process group (a terminal's Ctrl-C, timeout) may have stopped some already.
  if [ -n "$service" ]; then kill -TERM "$service" 2>/dev/null; wait "$service" 2>/dev/null; stopped+=("nbo"); fi
  if [ -n "$redis_pid" ]; then
    kill -TERM "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; stopped+=("the demo's Redis (port $redis_port)")
  fi
  # The terminal may be gone by now: saying so must not fail the cleanup.
  if [ ${#stopped[@]} -gt 0 ]; then say "stopped $(printf '%s and ' "${stopped[@]}" | sed 's/ and $//')" || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
run() { "$@" & child=$!; wait "$child"; local code=$?; child=""; return "$code"; }

# 1. Java 17 or newer; Maven comes with ./mvnw.
command -v java >/dev/null || die "Java 17+ is needed: Debian/Ubuntu 'sudo apt-get install -y openjdk-17-jdk', macOS 'brew install openjdk@17'."
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[ "${java_major:-0}" -ge 17 ] || die "Java 17+ is needed; 'java -version' says ${java_major:-unknown}."

if [ "$build" = yes ]; then
  quarkus=$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' pom.xml)
  if [ -d "$HOME/.m2/repository/io/quarkus/quarkus-core/$quarkus" ]; then say "building"
  else say "building (the first build downloads Maven and the dependencies: a few minutes)"; fi
  run ./mvnw -q -B -DskipTests package
fi
[ -f target/quarkus-app/quarkus-run.jar ] || die "there is no build in target/quarkus-app: run without --no-build"

# 2. Redis: the one at NBO_REDIS_URL, or one of its own on a free port.
answers() { (exec 3<>"/dev/tcp/$1/$2" && printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 && [ -n "$reply" ]) 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}
embedded_redis() {
  local platform bin
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) platform=linux-amd64 ;;
    Linux-aarch64|Linux-arm64) platform=linux-arm64 ;;
    Darwin-x86_64) platform=darwin-amd64 ;;
    Darwin-arm64) platform=darwin-arm64 ;;
    *) die "no embedded redis-server for $(uname -s) $(uname -m): install redis-server, or set NBO_REDIS_URL to a Redis you have" ;;
  esac
  bin=$(ls target/embedded-redis/redis-server-*-"$platform" 2>/dev/null | head -1)
  [ -n "$bin" ] || die "no embedded redis-server in target/embedded-redis (the build unpacks it: run without --no-build)"
  chmod +x "$bin"
  echo "$bin"
}
version_of() { "$1" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'; }
recent() { local v; v=$(version_of "$1"); [ "${v%%.*}" -gt 6 ] 2>/dev/null || { [ "${v%%.*}" = 6 ] && v=${v#*.} && [ "${v%%.*}" -ge 2 ]; }; }
if [ -n "${NBO_REDIS_URL:-}" ]; then
  redis_url="$NBO_REDIS_URL"
  hostport=${redis_url%%,*}; hostport=${hostport#*://}; hostport=${hostport##*@}; hostport=${hostport%%/*}
  host=${hostport%:*}; rport=${hostport##*:}
  [ "$host" = "$hostport" ] && rport=6379
  answers "$host" "$rport" || die "no Redis answers at $host:$rport (NBO_REDIS_URL). Start it, or unset NBO_REDIS_URL and the demo starts its own."
  say "writing to the Redis at $host:$rport (NBO_REDIS_URL): $count demo customers, the demo's decisions and rule-set versions; a version published there earlier stays active until rules/ changes"
else
  case "${NBO_DEMO_REDIS:-auto}" in
    auto)
      if bin=$(command -v redis-server) && recent "$bin"; then why="the one on the PATH"
      elif [ -n "$bin" ]; then why="embedded: $bin is $(version_of "$bin"), and nbo needs 6.2 or newer"; bin=$(embedded_redis)
      else bin=$(embedded_redis); why="embedded: there is no redis-server on the PATH"; fi ;;
    system) bin=$(command -v redis-server) || die "NBO_DEMO_REDIS=system, but there is no redis-server on the PATH"; why="the one on the PATH" ;;
    embedded) bin=$(embedded_redis); why="embedded, as NBO_DEMO_REDIS asks" ;;
    *) die "NBO_DEMO_REDIS=$NBO_DEMO_REDIS: say auto, system or embedded" ;;
  esac
  version=$(version_of "$bin")
  dir="$PWD/target/demo-redis"
  mkdir -p "$dir"
  redis_port=$(free_port) || die "no free port for the demo's Redis"
  "$bin" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" &
  redis_pid=$!
  for _ in $(seq 100); do answers 127.0.0.1 "$redis_port" && break; kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
  answers 127.0.0.1 "$redis_port" || die "the demo's redis-server did not start; see $dir/redis.log"
  redis_url="redis://127.0.0.1:$redis_port"
  say "started a Redis of its own for the demo at 127.0.0.1:$redis_port: redis-server ${version:-?} ($why, $bin); log in target/demo-redis/, nothing kept after the demo (NBO_REDIS_URL to use another)"
fi

# 3. Demo customers: the same $count customers every time (fixed seed).
say "loading $count demo customers"
run ./nbo generate --count "$count" --seed 42 --out target/demo-customers.jsonl
run ./nbo import --redis "$redis_url" target/demo-customers.jsonl 2>/dev/null >target/demo-import.txt
sed -n 1p target/demo-import.txt

# 4. An API key for the demo, with every role (NBO_DEMO_KEY to choose it; a new one each run otherwise).
#    The service is given only its hash, as a real deployment would be.
key="${NBO_DEMO_KEY:-$(./nbo keys new)}"
keys_entry="$(printf '%s\n' "$key" | ./nbo keys hash --name demo --roles channel+marketer+admin)"

# 5. The service; once it is ready, say how to use it.
ready() {
  (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /q/health/ready HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 \
    && read -r -t 2 status <&3 && [[ "$status" == *" 200"* ]]) 2>/dev/null
}
say "starting nbo on port $port"
NBO_SECURITY_KEYS="$keys_entry" NBO_REDIS_URL="$redis_url" QUARKUS_HTTP_PORT="$port" java -jar target/quarkus-app/quarkus-run.jar &
service=$!
for _ in $(seq 240); do
  ready && break
  kill -0 "$service" 2>/dev/null || break
  sleep 0.5 & child=$!; wait "$child"; child=""
done
if ! ready; then
  die "the service is not ready after 120 s; see its log above (is port $port taken? set QUARKUS_HTTP_PORT)"
fi
command -v curl >/dev/null || say "curl is not installed: install it to paste these (Debian/Ubuntu: sudo apt-get install -y curl)"
cat <<MSG >&2

nbo is running with the demo rule set and $count demo customers. Every /v1 call needs the demo's
API key (roles channel, marketer, admin) in X-API-Key:

  KEY='$key'

  # a page view on the web: a Platinum member with an item left in the cart
  curl -s localhost:$port/v1/decisions -H "X-API-Key: \$KEY" -H 'Content-Type: application/json' \\
    -d '{"customerId": "demo-000001", "channel": "web", "placement": "home-hero", "limit": 1}'

  # the call center: the top 5 for a customer on the line, each with the sentences to read out (why)
  curl -s localhost:$port/v1/decisions -H "X-API-Key: \$KEY" -H 'Content-Type: application/json' \\
    -d '{"customerId": "demo-000001", "channel": "call_center", "limit": 5}'

  # an anonymous visitor
  curl -s localhost:$port/v1/decisions -H "X-API-Key: \$KEY" -H 'Content-Type: application/json' -d '{"channel": "web", "device": "mobile"}'

  # the customer's stored context; health and metrics (open)
  curl -s localhost:$port/v1/customers/demo-000001 -H "X-API-Key: \$KEY"
  curl -s localhost:$port/q/health   |   curl -s localhost:$port/q/metrics

In a browser, http://localhost:$port/q/swagger-ui describes the API ("Authorize" with the key).
Edit a file in rules/ and the next decisions use it within seconds. Ctrl-C stops nbo and what the demo started.
MSG
wait "$service"
