#!/usr/bin/env bash
# Rule evaluation alone, with JMH (load-tests/README.md, "JMH: rule evaluation alone"): installs nbo from this
# tree, builds load-tests/jmh, runs RuleEvaluationBenchmark (SampleTime and AverageTime, one fork per rule set),
# writes JMH's JSON to load-tests/jmh/target/jmh-result.json and prints p50 per rule set and the ratio
# p50(10,000 rules) / p50(100 rules) against its target of at most 2. Single-threaded, no network, no Redis.
# Four forks of about 50 s each plus the compiles for the two default sizes.
#
#   load-tests/jmh/run.sh                       # RULES=100,10000 (also demo, 1000, or N:M for N rules, M offers)
#   SKIP_BUILD=1 load-tests/jmh/run.sh -wi 1 -i 1   # the last build; more arguments go to JMH
set -euo pipefail
cd "$(dirname "$0")/../.."
jmh=load-tests/jmh
nbo_jar=target/nbo-0.1.0-SNAPSHOT.jar

if [ "${SKIP_BUILD:-}" != 1 ]; then
  ./mvnw -q -B -DskipTests install
  ./mvnw -q -B -f "$jmh/pom.xml" package
fi
# The benchmark takes nbo from the local Maven repository, which other trees on this machine install into too:
# make sure it measures this tree's build.
if ! cmp -s "$nbo_jar" "$jmh/target/lib/nbo-0.1.0-SNAPSHOT.jar"; then
  echo "$jmh/target/lib has another nbo build than $nbo_jar (installed from another tree?): run without SKIP_BUILD" >&2
  exit 1
fi
changes=$(git status --porcelain -- src pom.xml)
measured="nbo at $(git rev-parse --short HEAD) (src/ and pom.xml as of $(git log -1 --format=%h -- src pom.xml))${changes:+, with uncommitted changes}"
echo "$measured; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# From the repository root, so that rules=demo finds rules/.
java -jar "$jmh/target/nbo-jmh.jar" RuleEvaluationBenchmark -p rules="${RULES:-100,10000}" \
  -rf json -rff "$jmh/target/jmh-result.json" "$@"
echo
summary="$jmh/target/jmh-summary.md"
{
  echo "$(date -u +%Y-%m-%d), $measured; $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo);" \
    "$(java -version 2>&1 | head -1); load average at the end $(cut -d' ' -f1-3 /proc/loadavg). Written by \`jmh/run.sh\`" \
    "with \`${*:-the default JMH options}\`."
  echo
  java -cp "$jmh/target/nbo-jmh.jar" io.nbo.loadtests.jmh.ResultSummary "$jmh/target/jmh-result.json"
} >"$summary"
cat "$summary"
# The figures in load-tests/README.md are this run's, between the markers (TABLE=0 leaves it alone).
if [ "${TABLE:-1}" = 1 ] && [ "${RULES:-100,10000}" = 100,10000 ]; then
  awk -v table="$summary" '
    /<!-- jmh:table:begin -->/ {print; while ((getline line < table) > 0) print line; skip = 1; next}
    /<!-- jmh:table:end -->/ {skip = 0}
    !skip {print}' load-tests/README.md >"$jmh/target/README.md" && cp "$jmh/target/README.md" load-tests/README.md
  echo "load-tests/README.md: JMH figures rewritten from $jmh/target/jmh-result.json"
fi
