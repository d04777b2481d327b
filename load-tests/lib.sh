# Sourced by the load-test scripts: the packaged app's class path, nbo's command line on a copy of the
# app, the redis-server to run, and a check for the tools a script needs.
# shellcheck shell=bash

# The class path of a packaged app folder: target/quarkus-app, or a copy of it taken for one run.
app_cp() {
  local app="${1:-target/quarkus-app}"
  echo "$app/app/*:$app/lib/main/*:$app/lib/boot/*"
}

# nbo's command line (what ./nbo runs) on the app folder given first: nbo_in "$out/app" generate --count 10 ...
# A copy keeps a build started meanwhile from swapping jars under a running JVM.
nbo_in() {
  local app="$1"
  shift
  java -cp "$(app_cp "$app")" io.nbo.cli.NboCommand "$@"
}

# Stops with a hint unless the program $1 is on the PATH: need wrk "sudo apt-get install -y wrk"
need() {
  command -v "$1" >/dev/null || { echo "$1 is needed: $2" >&2; exit 1; }
}

# The redis-server to run: the first on the PATH, else the one the build unpacks from org.signal:embedded-redis
# into target/embedded-redis (./mvnw package does; Redis 7.0 for Linux and macOS on x86_64 and arm64), as the
# tests do (src/test/java/io/nbo/testing/RedisBinary.java). Run from the repository root.
redis_server() {
  if command -v redis-server >/dev/null; then
    command -v redis-server
    return
  fi
  local os arch binary
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=unknown ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=unknown ;; esac
  binary=$(ls target/embedded-redis/redis-server-*-"$os-$arch" 2>/dev/null | head -1)
  if [ -z "$binary" ]; then
    echo "redis-server is needed: sudo apt-get install -y redis-server, or ./mvnw -DskipTests package to unpack" \
      "the embedded one into target/embedded-redis (Linux and macOS, x86_64 and arm64)" >&2
    exit 1
  fi
  chmod +x "$binary"    # unpacking from a jar keeps no file modes
  echo "$PWD/$binary"
}

# A Redis of the script's own on 127.0.0.1:PORT (nothing kept on disk), holding COUNT demo customers (seed 42),
# stopped when the script exits, with the service whose pid the script keeps in $pid:
#   redis_with_customers latency "$redis_port" "$customers"
redis_with_customers() {
  local name="$1" port="$2" count="$3" redis
  redis=$(redis_server)
  "$redis" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$PWD/target" --pidfile "$PWD/target/$name-redis.pid" --logfile "$PWD/target/$name-redis.log"
  # shellcheck disable=SC2064 # the name is fixed now; $pid is read when the script exits
  # Each kill may fail (no service started yet) without stopping the rest under set -e.
  trap "[ -z \"\${pid:-}\" ] || kill \"\$pid\" 2>/dev/null || true; kill \"\$(cat target/$name-redis.pid)\" 2>/dev/null || true" EXIT
  sleep 0.5
  ./nbo generate --count "$count" --seed 42 --out "target/$name-customers.jsonl"
  ./nbo import --redis "redis://127.0.0.1:$port" "target/$name-customers.jsonl" 2>/dev/null | sed -n 1p
}
