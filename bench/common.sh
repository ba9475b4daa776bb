# Sourced by the benchmark scripts (not run on its own): what every run does the same way.
#
# bench_build MODULES  unless SKIP_BUILD=1, packages MODULES and what they need (no tests, no install: the
#                      platform runs from this checkout's target/ directories, and installing into the shared
#                      ~/.m2 would race other builds on the machine), and writes each module's runtime classpath
# BENCH_CP             the load generator's classpath, set by bench_build
# pids                 background processes to stop when the script exits, however it exits
# bench_start_platform OUT WAIT [tollgate-local options...]
#                      starts ./tollgate-local from this checkout's build on ports PORT_BASE.. (gateway +0,
#                      simulator +1, management +3, broker +4, registry +6, PostgreSQL +7, streams +8) with a
#                      zero-latency simulator answering 16 tokens, logs to OUT/platform.log, waits up to WAIT
#                      seconds for it to run (exits with its log if it does not), and sets KEY and ADMIN

bench_build() {
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building ($1)" >&2
    # shellcheck disable=SC2086
    ./mvnw -B -q ${MVN_FLAGS:-} package -DskipTests -pl "$1" -am \
      dependency:build-classpath -Dmdep.outputFile=target/runtime-classpath.txt -Dmdep.includeScope=runtime
  fi
  BENCH_CP="bench/target/classes:$(cat bench/target/runtime-classpath.txt)"
}

pids=()
bench_cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap bench_cleanup EXIT

bench_start_platform() {
  local out=$1 wait=$2
  shift 2
  TOLLGATE_SKIP_BUILD=1 ./tollgate-local --no-watch --data-dir "$out/platform" \
    --gateway-port "$PORT_BASE" --gateway-management-port $((PORT_BASE + 3)) --simulator-port $((PORT_BASE + 1)) \
    --kafka-port $((PORT_BASE + 4)) --registry-port $((PORT_BASE + 6)) --postgres-port $((PORT_BASE + 7)) \
    --streams-port $((PORT_BASE + 8)) --simulator-ttft-ms 0 --simulator-itl-ms 0 --simulator-output-tokens 16 \
    "$@" > "$out/platform.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 "$wait"); do grep -q "Tollgate is running\|failed to start" "$out/platform.log" && break; sleep 1; done
  grep -q "Tollgate is running" "$out/platform.log" || { cat "$out/platform.log" >&2; exit 1; }
  KEY=$(grep -o 'tg_[A-Za-z0-9_-]*' "$out/platform.log" | head -1)
  ADMIN=$(grep -o 'tga_[A-Za-z0-9_-]*' "$out/platform.log" | head -1)
}
