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
# bench_gateway_platform OUT
#                      what the gateway-only instruments share: bench_build of the gateway, the bench and the local
#                      platform; GATEWAY_ENV's assignments exported to the gateway; the platform started without the
#                      streams app (bench_start_platform OUT 180 --no-streams); GATEWAY_PID set
# bench_warm_jit PID MIN MAX COMMAND...
#                      JIT warm-up: runs COMMAND (a load that is not measured, given "--duration 10s") again and
#                      again until the JIT compiler threads of the JVM PID used less than 2 % of a core over the
#                      last 10 s, for at least MIN and at most MAX seconds (plain numbers or "30s"). Why: under
#                      closed-loop load on 2 cores the compiler threads get little CPU, and a fixed 30 s left C2
#                      compiling through the measured runs (about a tenth of a core, tens of seconds later)
# bench_cpu_ticks STAT  user plus system CPU ticks in a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file
# bench_gateway_requests
#                      the requests the gateway on PORT_BASE has answered since it started (tollgate_requests_total
#                      from its management port, PORT_BASE + 3, summed over its tags)

bench_build() {
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building ($1)" >&2
    # includeScope (not mdep.includeScope) is the plugin's property: runtime keeps test and provided jars out.
    # shellcheck disable=SC2086
    ./mvnw -B -q ${MVN_FLAGS:-} package -DskipTests -pl "$1" -am \
      dependency:build-classpath -Dmdep.outputFile=target/runtime-classpath.txt -DincludeScope=runtime
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

bench_gateway_platform() {
  bench_build gateway,bench,local/platform
  for assignment in ${GATEWAY_ENV:-}; do export "${assignment?}"; done
  bench_start_platform "$1" 180 --no-streams
  GATEWAY_PID=$(pgrep -f "quarkus.http.port=$PORT_BASE" | head -1)
}

bench_gateway_requests() {
  curl -s "http://127.0.0.1:$((PORT_BASE + 3))/q/metrics" \
    | awk '/^tollgate_requests_total/ {s += $NF} END {printf "%d\n", s}'
}

# The name field of a stat line is in parentheses and may hold spaces ("C2 CompilerThre"), so fields are counted
# after its closing parenthesis: utime and stime are the 12th and 13th from there (14th and 15th of the line).
bench_cpu_ticks() {
  sed 's/.*) //' "$1" | awk '{print $12 + $13}'
}

bench_jit_ticks() { # pid: CPU ticks of the JVM's JIT compiler threads so far
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      "C1 CompilerThre"* | "C2 CompilerThre"*) bench_cpu_ticks "$t/stat" 2>/dev/null ;;
    esac
  done | awk '{s += $1} END {print s + 0}'
}

bench_warm_jit() {
  local pid=$1 min=${2%s} max=${3%s} elapsed=0 before spent
  shift 3
  while :; do
    before=$(bench_jit_ticks "$pid")
    "$@" --duration 10s > /dev/null
    elapsed=$((elapsed + 10))
    spent=$(( $(bench_jit_ticks "$pid") - before ))
    # 2 % of a core over 10 s is 0.2 s of CPU
    if (( elapsed >= max )) || { (( elapsed >= min )) && (( spent * 100 < 20 * $(getconf CLK_TCK) )); }; then
      break
    fi
  done
  echo "== JIT warm-up: ${elapsed}s; the compiler threads used" \
    "$((spent * 1000 / $(getconf CLK_TCK))) ms of CPU in the last 10 s" >&2
}
