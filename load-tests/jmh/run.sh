#!/usr/bin/env bash
# Rule evaluation alone, with JMH (load-tests/README.md, "Rule evaluation alone (JMH)"): installs nbo from this
# tree, builds load-tests/jmh, runs RuleEvaluationBenchmark (SampleTime and AverageTime, one fork per rule set),
# writes JMH's JSON to load-tests/jmh/target/jmh-result.json and prints p50 per rule set and the ratio
# p50(10,000 rules) / p50(100 rules) against issue 5's target of 2. Single-threaded, no network, no Redis.
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
echo "nbo at $(git rev-parse --short HEAD) (src/ and pom.xml as of $(git log -1 --format=%h -- src pom.xml))${changes:+, with uncommitted changes}; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# From the repository root, so that rules=demo finds rules/.
java -jar "$jmh/target/nbo-jmh.jar" RuleEvaluationBenchmark -p rules="${RULES:-100,10000}" \
  -rf json -rff "$jmh/target/jmh-result.json" "$@"
echo
java -cp "$jmh/target/nbo-jmh.jar" io.nbo.loadtests.jmh.ResultSummary "$jmh/target/jmh-result.json"
