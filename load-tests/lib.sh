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
