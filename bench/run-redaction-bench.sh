#!/usr/bin/env bash
# What PII redaction of captured content costs per KB (docs/redaction.md): RedactionBench on one thread, the way the
# event publisher's thread runs it, with every detector on. Builds the gateway's test classes (no tests run) unless
# SKIP_BUILD=1. Knobs: MVN_FLAGS (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/target/redaction-bench
mkdir -p "$OUT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # shellcheck disable=SC2086
  ./mvnw -B -q ${MVN_FLAGS:-} test-compile -pl gateway -am -Dquarkus.build.skip=true \
    dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -DincludeScope=test
fi
java -Xms256m -Xmx256m -cp "gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/test-classpath.txt)" \
  dev.tollgate.gateway.redaction.RedactionBench | tee "$OUT/redaction.md"
