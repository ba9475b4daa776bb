# Sourced by the benchmark scripts (not run on its own): what every run does the same way.
#
# bench_build MODULES  unless SKIP_BUILD=1, packages MODULES and what they need (no tests, no install: the
#                      platform runs from this checkout's target/ directories, and installing into the shared
#                      ~/.m2 would race other builds on the machine), and writes each module's runtime classpath
# BENCH_CP             the load generator's classpath, set by bench_build
# pids                 background processes to stop when the script exits, however it exits

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
