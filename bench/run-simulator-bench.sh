#!/usr/bin/env bash
# Measures the vLLM simulator's own throughput on this machine: non-streaming and streaming chat completions with
# zero latency, closed loop, then an open-loop latency profile, and a wrk cross-check when wrk is installed.
#
# Loopback only, bounded in time: each run stops by itself after WARMUP + DURATION, and the simulator is stopped on
# exit. The load generator runs in its own JVM on the same cores as the simulator, so the figures are a floor for the
# simulator, not its ceiling.
#
# Knobs (environment): DURATION (20s), WARMUP (5s), CONNECTIONS (64), RATE (1000, open loop), SIM_PORT (18431),
# SIM_EVENT_LOOPS (2), CLIENT_EVENT_LOOPS (2), OUTPUT_TOKENS (16), SIM_JAVA_OPTS, BENCH_JAVA_OPTS,
# MVN_FLAGS (e.g. -o), SKIP_BUILD=1 to reuse the last build.
set -euo pipefail

cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-64}
RATE=${RATE:-1000}
SIM_PORT=${SIM_PORT:-18431}
SIM_EVENT_LOOPS=${SIM_EVENT_LOOPS:-2}
CLIENT_EVENT_LOOPS=${CLIENT_EVENT_LOOPS:-2}
OUTPUT_TOKENS=${OUTPUT_TOKENS:-16}
SIM_JAVA_OPTS=${SIM_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
MVN_FLAGS=${MVN_FLAGS:-}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building the simulator and the load generator" >&2
  # shellcheck disable=SC2086
  ./mvnw -B -q $MVN_FLAGS -pl local/simulator,bench -am package -DskipTests
  # shellcheck disable=SC2086
  ./mvnw -B -q $MVN_FLAGS -pl local/simulator,bench dependency:build-classpath \
    -Dmdep.outputFile=target/runtime-classpath.txt -DincludeScope=runtime
fi

SIM_CP="local/simulator/target/classes:$(cat local/simulator/target/runtime-classpath.txt)"
BENCH_CP="bench/target/classes:$(cat bench/target/runtime-classpath.txt)"
SIM_LOG=bench/target/simulator.log
mkdir -p bench/target

# shellcheck disable=SC2086
java $SIM_JAVA_OPTS -cp "$SIM_CP" dev.tollgate.local.vllm.VllmSimulator \
  --host 127.0.0.1 --port "$SIM_PORT" --event-loops "$SIM_EVENT_LOOPS" --output-tokens "$OUTPUT_TOKENS" \
  >"$SIM_LOG" 2>&1 &
SIM_PID=$!
trap 'kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true' EXIT

for _ in $(seq 1 300); do
  grep -q "listening on" "$SIM_LOG" 2>/dev/null && break
  kill -0 "$SIM_PID" 2>/dev/null || { cat "$SIM_LOG" >&2; exit 1; }
  sleep 0.1
done
grep -q "listening on" "$SIM_LOG" || { echo "simulator did not start within 30 s" >&2; cat "$SIM_LOG" >&2; exit 1; }

URL="http://127.0.0.1:$SIM_PORT/v1/chat/completions"
BODY='{"model":"sim-model","messages":[{"role":"user","content":"Say hello to the Tollgate benchmark."}]}'
STREAM_BODY='{"model":"sim-model","messages":[{"role":"user","content":"Say hello to the Tollgate benchmark."}],"stream":true,"stream_options":{"include_usage":true}}'

bench() {
  # shellcheck disable=SC2086
  java $BENCH_JAVA_OPTS -cp "$BENCH_CP" dev.tollgate.bench.BenchMain --url "$URL" \
    --duration "$DURATION" --warmup "$WARMUP" --event-loops "$CLIENT_EVENT_LOOPS" "$@"
}

# The simulator's CPU time (user + system, in clock ticks) and its served-request counter: their ratio is what one
# request costs the simulator, a figure that does not depend on how much CPU the load generator left it.
sim_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SIM_PID/stat"; }
sim_requests() {
  curl -fsS "http://127.0.0.1:$SIM_PORT/metrics" | awk '/^vllm:request_success_total/ { n += $2 } END { printf "%d", n }'
}

# Runs a command and then prints what the simulator spent serving it.
with_cost() {
  local ticks0 req0 ticks1 req1
  if command -v curl >/dev/null 2>&1; then
    ticks0=$(sim_cpu_ticks); req0=$(sim_requests)
  fi
  "$@"
  if command -v curl >/dev/null 2>&1; then
    ticks1=$(sim_cpu_ticks); req1=$(sim_requests)
    awk -v r=$((req1 - req0)) -v t=$((ticks1 - ticks0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {
      s = t / hz; printf "%-24s %d requests (warm-up included) in %.1f CPU-s = %.0f requests per CPU-second\n",
        "simulator cost", r, s, (s > 0 ? r / s : 0) }'
  fi
  echo
}

echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1); simulator: $SIM_EVENT_LOOPS event loops, $OUTPUT_TOKENS output tokens, zero latency"
echo
echo "== warming up the simulator's JIT (results discarded)" >&2
bench --body "$BODY" --connections "$CONNECTIONS" --duration 8s --warmup 0s >/dev/null
bench --body "$STREAM_BODY" --connections "$CONNECTIONS" --duration 4s --warmup 0s --stream >/dev/null
echo
with_cost bench --label "non-streaming chat, closed loop" --body "$BODY" --connections "$CONNECTIONS"
with_cost bench --label "streaming chat ($OUTPUT_TOKENS tokens, include_usage), closed loop" --body "$STREAM_BODY" \
  --connections "$CONNECTIONS" --stream
with_cost bench --label "non-streaming chat, open loop at $RATE req/s" --body "$BODY" --connections "$CONNECTIONS" \
  --mode open --rate "$RATE"

if command -v wrk >/dev/null 2>&1; then
  LUA=bench/target/chat.lua
  cat >"$LUA" <<EOF
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
EOF
  echo "== wrk cross-check (non-streaming chat, 1 thread, $CONNECTIONS connections; warm-up run discarded)"
  wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -s "$LUA" "$URL" >/dev/null
  with_cost wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$LUA" "$URL"
else
  echo "== wrk not installed: skipping the cross-check (apt-get install -y wrk)"
fi
