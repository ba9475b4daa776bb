#!/usr/bin/env bash
# Measures what the gateway adds on top of the model endpoint, and compares it with Portkey's open-source gateway.
#
# Setup (everything on this machine, loopback only): the local platform without the streams app
# (./tollgate-local --no-streams): a real KRaft broker, the Apicurio Registry, PostgreSQL, the vLLM simulator with
# zero latency, and the gateway (-Xmx256m) with auth, rate limits, the budget step (a soft org budget on the
# benchmark's org: hard budgets need the streams app, see run-lease-bench.sh) and event publishing to the broker
# switched on.
# Portkey (@portkey-ai/gateway 1.15.2 from npm) is pointed at the same simulator.
#
# Runs, each bounded in time: maximum throughput (closed loop) direct / through Tollgate / through Portkey; added
# latency at a fixed 1,000 req/s (open loop) direct vs Tollgate; added time to first token for streams.
# Each comparison of Tollgate with direct runs in ROUNDS alternating rounds (direct, Tollgate, direct, ...), each
# measuring DURATION / ROUNDS after its own WARMUP, and merges each side's rounds: on shared cores, two single
# windows one after the other let one side catch a quiet stretch of the machine and the other a busy one.
#
# Every target first gets closed-loop load that is not measured: a freshly started JVM (or node) spends its first
# tens of seconds to minutes compiling, which is not what a long-running gateway looks like. The gateway gets it
# until its JIT compiler threads have settled (under 2 % of a core over 10 s; at least JIT_WARMUP, at most
# JIT_WARMUP_MAX), then streaming load the same way (at least STREAM_JIT_WARMUP), since a long-running gateway has
# seen streams too. Portkey gets JIT_WARMUP.
#
# Knobs (environment): DURATION (20s, measured per target), ROUNDS (4), WARMUP (3s, per round), JIT_WARMUP (30s),
# JIT_WARMUP_MAX (180s), STREAM_JIT_WARMUP (15s), CONNECTIONS (64), RATE (1000), STREAM_RATE (200), SKIP_BUILD=1,
# SKIP_PORTKEY=1, MVN_FLAGS (e.g. -o), PORT_BASE (19000).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
ROUNDS=${ROUNDS:-4}
WARMUP=${WARMUP:-3s}
JIT_WARMUP=${JIT_WARMUP:-30s}
JIT_WARMUP_MAX=${JIT_WARMUP_MAX:-180s}
STREAM_JIT_WARMUP=${STREAM_JIT_WARMUP:-15s}
CONNECTIONS=${CONNECTIONS:-64}
RATE=${RATE:-1000}
STREAM_RATE=${STREAM_RATE:-200}
MVN_FLAGS=${MVN_FLAGS:-}
PORT_BASE=${PORT_BASE:-19000}
GATEWAY_PORT=$PORT_BASE; SIM_PORT=$((PORT_BASE + 1)); PORTKEY_PORT=$((PORT_BASE + 2))
OUT=bench/target/gateway-bench
mkdir -p "$OUT"

# shellcheck source=bench/common.sh
source bench/common.sh
bench_build gateway,bench,local/platform

echo "== starting the platform (no streams app)" >&2
bench_start_platform "$OUT" 180 --no-streams
MODEL=sim-llama-3-8b

# A hard budget needs its owner, the streams app, to lease it out (docs/budgets.md), and this benchmark runs the
# gateway without it: the budget is soft, so every request still meets the budget step (its org has a budget), and
# the cost of admission against a hard budget's lease is bench/run-lease-bench.sh's to measure.
echo "== a soft budget on the benchmark's org, so that every request goes through the budget step" >&2
curl -s -o /dev/null -X POST "http://127.0.0.1:$GATEWAY_PORT/admin/v1/budgets" -H "Authorization: Bearer $ADMIN" \
  -H "Content-Type: application/json" \
  -d '{"id":"bench","scope_type":"org","scope_id":"local","amount_micros":1000000000000,"period":"daily","enforcement":"soft"}'
for _ in $(seq 1 100); do
  curl -s "http://127.0.0.1:$GATEWAY_PORT/admin/v1/budgets/bench" -H "Authorization: Bearer $ADMIN" \
    | grep -q '"live":{' && break
  sleep 0.1
done

if [[ "${SKIP_PORTKEY:-0}" != 1 ]]; then
  echo "== starting Portkey" >&2
  if [[ ! -d "$OUT/portkey/node_modules/@portkey-ai/gateway" ]]; then
    (cd "$OUT" && mkdir -p portkey && cd portkey && npm install --silent --no-audit --no-fund @portkey-ai/gateway@1.15.2 >/dev/null)
  fi
  node "$OUT/portkey/node_modules/@portkey-ai/gateway/build/start-server.js" --port="$PORTKEY_PORT" > "$OUT/portkey.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$PORTKEY_PORT/" && break; sleep 1; done
fi

BODY="{\"model\":\"$MODEL\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the benchmark\"}]}"
SBODY="{\"model\":\"$MODEL\",\"max_tokens\":16,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the benchmark\"}]}"
DIRECT="http://127.0.0.1:$SIM_PORT/v1/chat/completions"
TOLLGATE="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
PORTKEY="http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions"

load() { # url body extra-args...: the load generator against url, with the key, reporting JSON
  local url=$1 body=$2; shift 2
  java -Xms256m -Xmx512m -XX:+UseParallelGC -cp "$BENCH_CP" dev.tollgate.bench.BenchMain --url "$url" --body "$body" \
    -H "Authorization: Bearer $KEY" --format json "$@"
}

run() { # label url body extra-args...
  local label=$1 url=$2 body=$3; shift 3
  echo "== $label" >&2
  load "$url" "$body" --duration "$DURATION" --warmup "$WARMUP" --label "$label" "$@" > "$OUT/$label.json"
  cat "$OUT/$label.json"
}

pair() { # label url versus-label versus-url body extra-args...: both in ROUNDS alternating rounds
  local label=$1 url=$2 versus_label=$3 versus=$4 body=$5; shift 5
  echo "== $label and $versus_label, $ROUNDS alternating rounds" >&2
  load "$url" "$body" --duration "$DURATION" --warmup "$WARMUP" --label "$label" --versus "$versus" \
    --versus-label "$versus_label" --rounds "$ROUNDS" "$@" > "$OUT/$label+$versus_label.json"
  sed -n 1p "$OUT/$label+$versus_label.json" > "$OUT/$label.json"
  sed -n 2p "$OUT/$label+$versus_label.json" > "$OUT/$versus_label.json"
  cat "$OUT/$label+$versus_label.json"
}

warm() { # url body extra-args...: unmeasured closed-loop load; the caller adds --duration
  local url=$1 body=$2; shift 2
  load "$url" "$body" --warmup 1s --connections "$CONNECTIONS" --event-loops 2 "$@"
}
gateway_pid=$(pgrep -P "${pids[0]}" -f quarkus-run.jar || true)
broker_pid=$(pgrep -P "${pids[0]}" -f BrokerMain || true)

# Both shapes of traffic: code that only ever saw whole answers is recompiled when the first streams arrive, and
# that compiling (seconds of CPU on these 2 cores) would land inside the streaming run. Each shape until the
# gateway's JIT has settled (bench_warm_jit), at least JIT_WARMUP and STREAM_JIT_WARMUP.
echo "== JIT warm-up of the gateway (not measured)" >&2
bench_warm_jit "$gateway_pid" "$JIT_WARMUP" "$JIT_WARMUP_MAX" warm "$TOLLGATE" "$BODY"
bench_warm_jit "$gateway_pid" "$STREAM_JIT_WARMUP" "$JIT_WARMUP_MAX" warm "$TOLLGATE" "$SBODY" --stream
if [[ "${SKIP_PORTKEY:-0}" != 1 ]]; then
  echo "== JIT warm-up of Portkey ($JIT_WARMUP, not measured)" >&2
  warm "$PORTKEY" "$BODY" --duration "$JIT_WARMUP" -H "x-portkey-provider: openai" \
    -H "x-portkey-custom-host: http://127.0.0.1:$SIM_PORT/v1" > /dev/null
fi
# CPU per request of the gateway and the broker during the closed-loop comparison: unlike throughput and
# percentiles, it changes little when other work shares the machine. Divided by the requests the gateway counted
# (warm-ups included); the direct rounds add only the gateway's idle background work.
cpu_ticks() { bench_cpu_ticks "/proc/$1/stat"; }
if [[ -n "$gateway_pid" && -n "$broker_pid" ]]; then
  gateway_before=$(cpu_ticks "$gateway_pid"); broker_before=$(cpu_ticks "$broker_pid")
  requests_before=$(bench_gateway_requests)
fi
pair direct-max "$DIRECT" tollgate-max "$TOLLGATE" "$BODY" --connections "$CONNECTIONS" --event-loops 2
if [[ -n "${gateway_before:-}" ]]; then
  awk -v g=$(( $(cpu_ticks "$gateway_pid") - gateway_before )) -v b=$(( $(cpu_ticks "$broker_pid") - broker_before )) \
    -v n=$(( $(bench_gateway_requests) - requests_before )) -v hz="$(getconf CLK_TCK)" 'BEGIN {
      printf "{\"gatewayCpuMicrosPerRequest\":%.1f,\"brokerCpuMicrosPerRequest\":%.1f,\"gatewayRequests\":%d}\n",
        g / hz * 1e6 / n, b / hz * 1e6 / n, n }' | tee "$OUT/cpu-per-request.json"
fi
if [[ "${SKIP_PORTKEY:-0}" != 1 ]]; then
  run portkey-max "$PORTKEY" "$BODY" --connections "$CONNECTIONS" --event-loops 2 \
    -H "x-portkey-provider: openai" -H "x-portkey-custom-host: http://127.0.0.1:$SIM_PORT/v1"
fi
pair direct-open "$DIRECT" tollgate-open "$TOLLGATE" "$BODY" --mode open --rate "$RATE"
pair direct-stream "$DIRECT" tollgate-stream "$TOLLGATE" "$SBODY" --mode open --rate "$STREAM_RATE" --stream
echo "== gateway heap and GC pauses after the runs (and its trace export, when tracing is on)" >&2
curl -s "http://127.0.0.1:$((PORT_BASE + 3))/q/metrics" | grep -E '^jvm_memory_(used|max)_bytes\{area="heap"|^jvm_gc_pause_seconds_(count|max)|^tollgate_tracing_spans' | head -20 || true
echo "== results in $OUT" >&2
