#!/usr/bin/env bash
# A simulator with known truth for the learned propensity (load-tests/README.md, "Learning: known truth"): three
# segments, five offers with known response rates per segment, one decision a step through the real Arbitration and
# LearnedPropensity over Evidence updated as the simulated responses arrive. Prints, per policy (Thompson sampling and
# the posterior mean, with and without the segment as a declared predictor; the formula alone; uniform random; the
# oracle), the regret and share of the oracle's reward after 1k, 10k and 50k decisions, how fast a new offer is found,
# and the time per rank() call; writes them into load-tests/README.md between its known-truth markers.
# Single-threaded, no Redis, no network; about a minute after the build with the default 5 seeds.
#
#   load-tests/learning/known-truth.sh
#     SEEDS        how many seeds, from 1 (default 5)
#     BATCH        decisions between snapshot rebuilds (default 100)
#     SKIP_BUILD=1 use the last build instead of ./mvnw package; TABLE=0 leaves README.md alone
#     more arguments go to KnownTruth (e.g. --strength 50 --table-every 1000; see its class comment)
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/lib.sh
seeds="${SEEDS:-5}"; batch="${BATCH:-100}"

[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -q -B -DskipTests package
out=target/known-truth; classes=target/load-tests-classes
mkdir -p "$out" "$classes"
# A copy of the packaged app, so that a build started meanwhile cannot swap jars under a running JVM.
rm -rf "$out/app" && cp -r target/quarkus-app "$out/app"
cp=$(app_cp "$out/app")
javac -nowarn -d "$classes" -cp "$cp" load-tests/learning/*.java
java -Xmx1g -XX:+UseG1GC -cp "$classes:$cp" KnownTruth --seed 1 --seeds "$seeds" --batch "$batch" \
  --markdown "$out/figures.md" "$@"

if [ "${TABLE:-1}" = 1 ] && [ $# = 0 ] && [ "$seeds" = 5 ] && [ "$batch" = 100 ]; then
  changes=$(git status --porcelain -- src pom.xml load-tests/learning)
  {
    echo "$(date -u +%Y-%m-%d), nbo at $(git rev-parse --short HEAD)${changes:+ with uncommitted changes};" \
      "$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo); $(java -version 2>&1 | head -1);" \
      "load average at the end $(cut -d' ' -f1-3 /proc/loadavg). Written by \`load-tests/learning/known-truth.sh\`."
    echo
    cat "$out/figures.md"
  } >"$out/section.md"
  awk -v table="$out/section.md" '
    /<!-- learning:known-truth:begin -->/ {print; while ((getline line < table) > 0) print line; skip = 1; next}
    /<!-- learning:known-truth:end -->/ {skip = 0}
    !skip {print}' load-tests/README.md >"$out/README.md" && cp "$out/README.md" load-tests/README.md
  echo "load-tests/README.md: known-truth figures rewritten from $out/figures.md"
fi
