#!/usr/bin/env bash
# Learning: Open Bandit (load-tests/README.md, "Learning: Open Bandit"): nbo's offline evaluation on the Open
# Bandit Dataset's small sample (10,000 impressions per log). A Bernoulli Thompson-sampling policy is fitted on
# each campaign's Thompson-sampling (bts) log (io.nbo.evaluation.ThompsonSamplingPolicy, its action probabilities
# by Monte-Carlo draws) and evaluated on the campaign's uniformly random log with IPW and self-normalised IPW.
# Single-threaded, nothing on the network; under a minute after the build.
#
#   load-tests/learning/open-bandit.sh
#     OBD_DIR        the dataset (default ../shared/datasets/open_bandit_dataset): {random,bts}/{men,women}/*.csv
#     CAMPAIGNS      (default "men women")
#     DRAWS          Thompson draws per slot for the action probabilities (default 100000)
#     SEED           (default 12345)
#     TABLE=0        leave load-tests/README.md alone
#     SKIP_BUILD=1   use the last build instead of ./mvnw package
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/lib.sh
obd="${OBD_DIR:-../shared/datasets/open_bandit_dataset}"
campaigns="${CAMPAIGNS:-men women}"
draws="${DRAWS:-100000}"; seed="${SEED:-12345}"
for c in $campaigns; do
  for p in random bts; do
    if [ ! -f "$obd/$p/$c/$c.csv" ]; then
      echo "open-bandit: no $obd/$p/$c/$c.csv. Get the Open Bandit Dataset's sample (obd/{random,bts}/{men,women}/ of" >&2
      echo "https://github.com/st-tech/zr-obp) and point OBD_DIR at the folder holding random/ and bts/." >&2
      exit 2
    fi
  done
done

[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -q -B -DskipTests package
out=target/open-bandit; classes=target/load-tests-classes/learning
mkdir -p "$out" "$classes"
rm -rf "$out/app" && cp -r target/quarkus-app "$out/app"
cp=$(app_cp "$out/app")
javac -nowarn -d "$classes" -cp "$cp" load-tests/learning/*.java

table="$out/table.md"
{
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, commit $(git rev-parse --short HEAD); \`load-tests/learning/open-bandit.sh\` (DRAWS=$draws, SEED=$seed)."
  echo
  echo "| campaign | TS form | random-log events | IPW of TS | SNIPW of TS | replay of TS | random log's own | bts log's own | mean weight | ESS |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for c in $campaigns; do
    for form in ranked per-slot; do
      java -cp "$classes:$cp" OpenBandit "$obd" "$c" "$draws" "$seed" "$form"
    done
  done
} >"$table"
cat "$table"
# The figures in load-tests/README.md are this run's, between the markers (TABLE=0 leaves it alone).
if [ "${TABLE:-1}" = 1 ]; then
  awk -v table="$table" '
    /<!-- open-bandit:table:begin -->/ {print; while ((getline line < table) > 0) print line; skip = 1; next}
    /<!-- open-bandit:table:end -->/ {skip = 0}
    !skip {print}' load-tests/README.md >"$out/README.md" && cp "$out/README.md" load-tests/README.md
  echo "load-tests/README.md: Open Bandit figures rewritten"
fi
