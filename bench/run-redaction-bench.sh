#!/usr/bin/env bash
# What PII redaction of captured content costs per KB (docs/redaction.md): RedactionBench on one thread, the way the
# event publisher's thread runs it, with every detector on; each text redacted by the redactor as it is ("after") and
# as it was before it scanned for candidates ("before", ScanEverywhere.BEFORE). RUNS separate JVMs (3); the summary
# gives, per text, the median and range of the runs' medians. Builds the gateway's test classes (no tests run) unless
# SKIP_BUILD=1. Knobs: RUNS, MVN_FLAGS (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/target/redaction-bench
RUNS=${RUNS:-3}
mkdir -p "$OUT"
rm -f "$OUT"/run-*.tsv
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # shellcheck disable=SC2086
  ./mvnw -B -q ${MVN_FLAGS:-} test-compile -pl gateway -am -Dquarkus.build.skip=true \
    dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -DincludeScope=test
fi
for run in $(seq 1 "$RUNS"); do
  echo "== run $run of $RUNS" >&2
  java -Xms256m -Xmx256m -cp "gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/test-classpath.txt)" \
    dev.tollgate.gateway.redaction.RedactionBench "$OUT/run-$run.tsv" | tee "$OUT/run-$run.md"
done
# Per text: the median and range over the runs of each run's median (ns per KB), before and after.
{
  echo "| text | findings | before: ns per KB | after: ns per KB | after: MB/s per thread | speed-up |"
  echo "| --- | --- | --- | --- | --- | --- |"
  cat "$OUT"/run-*.tsv | awk -F'\t' '
    function sorted(s, a,   n, i, j, t) { # a[1..n]: the numbers of s in order (mawk has no asort)
      n = split(s, a, " ")
      for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n
    }
    function med(s,   a, n) { n = sorted(s, a); return a[int((n + 1) / 2)] }
    function lo(s,   a, n) { n = sorted(s, a); return a[1] }
    function hi(s,   a, n) { n = sorted(s, a); return a[n] }
    function fmt(x,   s, r) { s = sprintf("%.0f", x); r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }; return s r }
    !(($1 FS $2) in seen) { seen[$1 FS $2] = 1; order[++k] = $1 FS $2 }
    { before[$1 FS $2] = before[$1 FS $2] " " $3; after[$1 FS $2] = after[$1 FS $2] " " $4 }
    END {
      for (i = 1; i <= k; i++) {
        key = order[i]; split(key, name, FS)
        b = med(before[key]); a = med(after[key])
        printf "| %s | %s | %s (%s–%s) | %s (%s–%s) | %.0f | %.0f× |\n", name[1], name[2], fmt(b), fmt(lo(before[key])),
          fmt(hi(before[key])), fmt(a), fmt(lo(after[key])), fmt(hi(after[key])), 1024 * 1e9 / a / 1e6, b / a
      }
    }'
} | tee "$OUT/summary.md"
