#!/usr/bin/env bash
# Runs nbo on this machine with the demo rule set (rules/) and deterministic demo customers.
#
#   deployment/local/demo.sh
#
# Builds the service, makes sure a Redis answers at NBO_REDIS_URL (default redis://127.0.0.1:6379;
# on this machine it starts a throwaway redis-server if none answers), loads demo customers, starts
# the service on port 8080 (QUARKUS_HTTP_PORT) and prints curl commands to try. Ctrl-C stops it all.
#
# Settings: NBO_REDIS_URL, QUARKUS_HTTP_PORT, NBO_DEMO_CUSTOMERS (how many, default 10000).
set -euo pipefail
cd "$(dirname "$0")/../.."

redis_url="${NBO_REDIS_URL:-redis://127.0.0.1:6379}"
port="${QUARKUS_HTTP_PORT:-8080}"
count="${NBO_DEMO_CUSTOMERS:-10000}"
say() { printf '\033[1mnbo demo:\033[0m %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# 1. Java 17 or newer; Maven comes with ./mvnw.
command -v curl >/dev/null || die "curl is needed (Debian/Ubuntu: sudo apt-get install -y curl)."
command -v java >/dev/null || die "Java 17+ is needed: Debian/Ubuntu 'sudo apt-get install -y openjdk-17-jdk', macOS 'brew install openjdk@17'."
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[ "${java_major:-0}" -ge 17 ] || die "Java 17+ is needed; 'java -version' says ${java_major:-unknown}."

say "building (first time: a few minutes while Maven downloads dependencies)"
./mvnw -q -B -DskipTests package
classpath="target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*"

# 2. Redis: use the one at NBO_REDIS_URL, or start a local one.
hostport=${redis_url#*://}; hostport=${hostport##*@}; hostport=${hostport%%/*}
host=${hostport%:*}; redis_port=${hostport##*:}
[ "$host" = "$hostport" ] && redis_port=6379
answers() { (exec 3<>"/dev/tcp/$host/$redis_port" && printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 && [ -n "$reply" ]) 2>/dev/null; }
started_redis=""
cleanup() {
  set +e   # every step must run, even when an earlier one finds nothing to stop
  # Stop things first, talk after: the terminal may already be gone.
  [ -n "${watcher:-}" ] && kill "$watcher" 2>/dev/null
  if [ -n "$started_redis" ]; then
    kill "$(cat target/demo-redis.pid 2>/dev/null)" 2>/dev/null
    say "stopped the redis-server this script started" 2>/dev/null
  fi
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if answers; then
  say "using the Redis at $host:$redis_port"
else
  case "$host" in
    127.0.0.1|localhost|::1|"[::1]") ;;
    *) die "no Redis answers at $host:$redis_port. Start it, or set NBO_REDIS_URL to one that runs." ;;
  esac
  command -v redis-server >/dev/null || die "no Redis answers at $host:$redis_port and redis-server is not installed.
  Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis),
  or run one in a container (docker run -p 6379:6379 redis:7), or set NBO_REDIS_URL to a Redis you have. Then run this again."
  say "no Redis at $host:$redis_port: starting a throwaway redis-server there (nothing saved to disk)"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$PWD/target" --pidfile "$PWD/target/demo-redis.pid" --logfile "$PWD/target/demo-redis.log" >/dev/null
  started_redis=yes
  for _ in $(seq 50); do answers && break; sleep 0.1; done
  answers || die "redis-server did not start; see target/demo-redis.log"
fi

# 3. Demo customers: the same $count customers every time (fixed seed).
say "loading $count demo customers"
java -cp "$classpath" io.nbo.cli.NboCommand generate --count "$count" --seed 42 --out target/demo-customers.jsonl
java -cp "$classpath" io.nbo.cli.NboCommand import --redis "$redis_url" target/demo-customers.jsonl 2>/dev/null | sed -n 1p

# 4. An API key for the demo, with every role (NBO_DEMO_KEY to choose it; a new one each run otherwise).
#    The service is given only its hash, as a real deployment would be.
key="${NBO_DEMO_KEY:-$(java -cp "$classpath" io.nbo.cli.NboCommand keys new)}"
keys_entry="$(printf '%s\n' "$key" | java -cp "$classpath" io.nbo.cli.NboCommand keys hash --name demo --roles channel+marketer+admin)"

# 5. The service, in the foreground so that Ctrl-C reaches it; once it is ready, say how to use it.
ready() { curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; }
(
  for _ in $(seq 120); do ready && break; sleep 0.5; done
  if ! ready; then say "the service is not ready after 60 s; see its log above (is port $port taken? set QUARKUS_HTTP_PORT)"; exit 1; fi
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

  # the customer's stored context; the API description ("Authorize" with the key), health and metrics (open)
  curl -s localhost:$port/v1/customers/demo-000001 -H "X-API-Key: \$KEY"
  open http://localhost:$port/q/swagger-ui   |   curl -s localhost:$port/q/health   |   curl -s localhost:$port/q/metrics

Edit a file in rules/ and the next decisions use it within seconds. Ctrl-C stops nbo.
MSG
) &
watcher=$!
say "starting nbo on port $port"
NBO_SECURITY_KEYS="$keys_entry" NBO_REDIS_URL="$redis_url" QUARKUS_HTTP_PORT="$port" java -jar target/quarkus-app/quarkus-run.jar || true
