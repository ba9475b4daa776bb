#!/usr/bin/env bash
# Measures the streams app against a plain consumer of the same topic, on a real broker and registry.
#
# Setup (everything on this machine, loopback only): a real KRaft broker and the Apicurio Registry (child JVMs from
# the local platform), a backlog of EVENTS Avro usage events with realistic variety on tollgate.usage.v1, and a
# budget definition per org (plus key budgets) on tollgate.budgets.v1. Then, in one run:
#   (a) a plain KafkaConsumer with the same Apicurio Avro deserializer reads the backlog (events/s);
#   (a') floors: a Kafka Streams app with the app's settings (exactly_once_v2, its backlog commit cadence, one thread) doing only
#        the decode (cold, then warm: after one unmeasured pass), then only the app's intake (decode + dedupe), or
#        the intake and the rollups (rollups), each from scratch on the app's jars (events/s);
#   (b) the real streams app (quarkus-run.jar, all capabilities, exactly_once_v2) processes it from scratch
#       (events/s, until its group's committed offsets reach the end of the usage and repartition topics);
#   (b-warm) only with WARM_APP=1: a second backlog of EVENTS events (another seed of the same workload) is published
#       after the first, in the hour after it (the first then takes the hour before); (b) and the floors measure the
#       first backlog only, and (b-warm) the same app JVM, warmed by the first, through the second (events/s, CPU);
#       (d) then works through both backlogs;
#   (d) only with SCALE_OUT=1, between (b) and (c): two app JVMs (same jar, heap and options, a fresh application
#       id, their own state directories and ports) in one group work through the same backlog from scratch; their
#       combined rate (measured like (b)), the usage partitions each owned, and whether the last value of every key
#       of the budget states, threshold events, rollups (each granularity), usage totals and budget spend they
#       produced equals (b)'s (report: scale_out; the script fails if not identical);
#   (c) live traffic at LIVE_RATE events/s: publish -> committed budget state / rollup record lag, p50/p99;
#   (e) with GATEWAY_SECONDS > 0, keeping up with the gateway (issue #21, target 2): the real gateway (its built
#       quarkus-run.jar, -Xmx256m, PostgreSQL for its admin state) and the vLLM simulator (zero latency, 16 tokens)
#       beside the same broker, registry and app; GATEWAY_ORGS orgs, one key and one soft org budget each (soft: never
#       refuses, needs no lease); closed-loop load not measured until the gateway's JIT has settled (as
#       bench_warm_jit: at least GATEWAY_WARMUP, at most GATEWAY_WARMUP_MAX seconds), then GATEWAY_CONNECTIONS
#       closed request loops (64, as the gateway benchmark's maximum-rate figure) for GATEWAY_SECONDS. Reports the
#       gateway's requests/s and CPU per request, the app's CPU per usage event, budget freshness per event (publish
#       -> first committed budget state that counts it) p50/p99/max during the load, and after it the time until the
#       app's lag on the usage topic is under 1 s of events (target: 5 s), zero, and reflected in the budget state.
#
# Knobs (environment): EVENTS (1000000), ORGS (300), LIVE_RATE (5000), LIVE_SECONDS (60), STREAMS_HEAP (1g),
# STREAMS_OPTS (extra -D settings for the app, space separated, e.g. "kafka-streams.commit.interval.ms=100"),
# STREAMS_JVM_OPTS (extra JVM options for the app, e.g. a JFR recording), FLOORS (decode,warm-decode,intake; also rollups; empty
# for none), FLOOR_COMMIT_MS (1000: the app's backlog commit cadence, which the floors use), WARM_APP=1 (phase
# (b-warm); off by default so runs without it stay comparable), SCALE_OUT=1 (phase (d);
# off by default so runs without it stay comparable), GATEWAY_SECONDS (0: phase (e) off, so that runs without it
# stay comparable; 60 for target 2), GATEWAY_WARMUP (30), GATEWAY_WARMUP_MAX (180), GATEWAY_CONNECTIONS (64),
# GATEWAY_ORGS (4), SKIP_BUILD=1, MVN_FLAGS (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-1000000}
ORGS=${ORGS:-300}
LIVE_RATE=${LIVE_RATE:-5000}
LIVE_SECONDS=${LIVE_SECONDS:-60}
STREAMS_HEAP=${STREAMS_HEAP:-1g}
STREAMS_OPTS=${STREAMS_OPTS:-}
GATEWAY_SECONDS=${GATEWAY_SECONDS:-0}
MVN_FLAGS=${MVN_FLAGS:-}
OUT=bench/target/streams-bench
rm -rf "$OUT" && mkdir -p "$OUT"

# shellcheck source=bench/common.sh
source bench/common.sh
# Phase (e) runs the gateway's quarkus-app, so only then is the gateway built too.
if (( GATEWAY_SECONDS > 0 )); then bench_build streams,gateway,bench; else bench_build streams,bench; fi

opts=()
for o in $STREAMS_OPTS; do opts+=(--streams-opt "$o"); done
for o in ${STREAMS_JVM_OPTS:-}; do opts+=(--streams-jvm-opt "$o"); done
opts+=("--floors=${FLOORS-decode,warm-decode,intake}")
if [[ "${SCALE_OUT:-0}" == 1 ]]; then opts+=(--scale-out); fi
if [[ "${WARM_APP:-0}" == 1 ]]; then opts+=(--warm-app); fi

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
java -Xms1g -Xmx2g -XX:+UseParallelGC -Dfloor.commit.interval.ms="${FLOOR_COMMIT_MS:-1000}" -cp "$BENCH_CP" dev.tollgate.bench.streams.StreamsBench \
  --events "$EVENTS" --orgs "$ORGS" --live-rate "$LIVE_RATE" --live-seconds "$LIVE_SECONDS" \
  --streams-heap "$STREAMS_HEAP" --gateway-seconds "$GATEWAY_SECONDS" \
  --gateway-warmup-seconds "${GATEWAY_WARMUP:-30}" --gateway-warmup-max-seconds "${GATEWAY_WARMUP_MAX:-180}" \
  --gateway-connections "${GATEWAY_CONNECTIONS:-64}" \
  --gateway-orgs "${GATEWAY_ORGS:-4}" --work-dir "$OUT/work" --report "$OUT/report.json" "${opts[@]}"
echo "== report: $OUT/report.json; app log: $OUT/work/streams.log (scale-out: $OUT/work/scale-out-*.log; gateway: $OUT/work/gateway.log)" >&2
