#!/usr/bin/env bash
# Rule sets at scale (load-tests/README.md, "Rule sets at scale"):
#  1. per size: compile time, reload time, heap and metaspace one rule set keeps, decision time;
#  2. reloads in a row: heap after GC, metaspace and classes every 20 reloads.
# Each step runs in a JVM of its own, single-threaded; nothing listens on the network. About 8 minutes.
#
#   load-tests/scale/ruleset-scale.sh
#     SIZES            rules:offers for 1.   (default "100:50 1000:100 10000:200 100:200"; empty to skip)
#     RELOADS          reloads for 2.        (default 200; 0 to skip)
#     RELOAD_DECISIONS decisions after each reload (default 500)
#     JAVA_OPTS        more JVM options, e.g. -Druleset.rulesParent=true (see RuleSetScale.reloads)
#     SKIP_BUILD=1     use the last build instead of ./mvnw package
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/lib.sh
sizes="${SIZES-100:50 1000:100 10000:200 100:200}"
reloads="${RELOADS:-200}"; reload_decisions="${RELOAD_DECISIONS:-500}"

[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -q -B -DskipTests package
out=target/ruleset-scale; classes=target/load-tests-classes
mkdir -p "$out" "$classes"
# A copy of the packaged app, so that a build started meanwhile cannot swap jars under a running JVM.
rm -rf "$out/app" && cp -r target/quarkus-app "$out/app"
cp=$(app_cp "$out/app")
javac -nowarn -d "$classes" -cp "$cp" load-tests/scale/*.java
# Demo customers (the same generator as `nbo generate`), read by every run.
nbo_in "$out/app" generate --count 2000 --seed 42 --out "$out/customers.jsonl" >/dev/null

# The JBoss log manager (as in the service) at WARNING: with its default level (ALL), Drools formats trace
# messages on every decision and the figures would be several times slower than in the service.
# shellcheck disable=SC2206
jvm=(-Xmx2g -XX:+UseG1GC -Djava.util.logging.manager=org.jboss.logmanager.LogManager ${JAVA_OPTS:-})
run() { java "${jvm[@]}" -cp "$classes:$cp" RuleSetScale "$@" --customers "$out/customers.jsonl"; }
for s in $sizes; do run size --rules "${s%%:*}" --offers "${s##*:}"; done
[ "$reloads" = 0 ] || run reloads --count "$reloads" --decisions "$reload_decisions" --demo rules
