#!/usr/bin/env bash
# The contextual model (io.nbo.learning) on the bank telemarketing data, prequentially (load-tests/README.md,
# "Learning: bank telemarketing"): each row is scored before it is learnt from, in file order, the scoring table
# rebuilt every BATCH rows. Prints AUC overall and within blocks against the base rate alone, calibration and the
# time per rate() call, and writes them into load-tests/README.md between its learning markers. Single-threaded,
# no Redis, no network; under a minute after the build.
#
#   load-tests/learning/bank-prequential.sh
#     BANK_CSV     the data (default ../shared/datasets/bank_marketing/bank-additional-full.csv)
#     BATCH        rows between table rebuilds (default 100)
#     BLOCK        rows per block of the within-block AUC (default 2000)
#     SKIP_BUILD=1 use the last build instead of ./mvnw package; TABLE=0 leaves README.md alone
#     more arguments go to BankPrequential (e.g. --merge-z 2 --min-bin 50; see its class comment)
set -euo pipefail
cd "$(dirname "$0")/../.."
. load-tests/lib.sh
data="${BANK_CSV:-../shared/datasets/bank_marketing/bank-additional-full.csv}"
batch="${BATCH:-100}"; block="${BLOCK:-2000}"
if [ ! -r "$data" ]; then
  echo "no bank telemarketing data at $data: set BANK_CSV to bank-additional-full.csv (the UCI Bank Marketing" \
    "data set, 'bank-additional' version, semicolon-separated)" >&2
  exit 1
fi

[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -q -B -DskipTests package
out=target/learning; classes=target/load-tests-classes
mkdir -p "$out" "$classes"
rm -rf "$out/app" && cp -r target/quarkus-app "$out/app"
cp=$(app_cp "$out/app")
javac -nowarn -d "$classes" -cp "$cp" load-tests/learning/*.java
java -Xmx1g -XX:+UseG1GC -cp "$classes:$cp" BankPrequential --data "$data" --batch "$batch" --block "$block" \
  --markdown "$out/figures.md" "$@"

if [ "${TABLE:-1}" = 1 ] && [ $# = 0 ] && [ "$batch" = 100 ] && [ "$block" = 2000 ]; then
  changes=$(git status --porcelain -- src pom.xml load-tests/learning)
  {
    echo "$(date -u +%Y-%m-%d), nbo at $(git rev-parse --short HEAD)${changes:+ with uncommitted changes};" \
      "$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo); $(java -version 2>&1 | head -1);" \
      "load average at the end $(cut -d' ' -f1-3 /proc/loadavg). Written by \`load-tests/learning/bank-prequential.sh\`" \
      "from \`$(basename "$data")\`."
    echo
    cat "$out/figures.md"
  } >"$out/section.md"
  awk -v table="$out/section.md" '
    /<!-- learning:bank:begin -->/ {print; while ((getline line < table) > 0) print line; skip = 1; next}
    /<!-- learning:bank:end -->/ {skip = 0}
    !skip {print}' load-tests/README.md >"$out/README.md" && cp "$out/README.md" load-tests/README.md
  echo "load-tests/README.md: learning figures rewritten from $out/figures.md"
fi
