#!/usr/bin/env bash
# The gateway's CPU per request, split by thread, and its context switches per request, under closed-loop load.
#
# A finer instrument than run-gateway-bench.sh for comparing two gateway builds: the throughput ratio of that
# benchmark moves by a third between runs of the same code on shared cores, while the CPU the gateway's own threads
# spend per request, read from /proc, moves by a few microseconds. JFR misses what this shows: time in system calls
# and thread wake-ups (the access log's cost was found this way).
#
# Setup: the local platform without the streams app (real broker, registry, PostgreSQL, zero-latency simulator),
# the default gateway. Then: unmeasured load until the gateway's JIT has settled (bench_warm_jit: at least
# JIT_WARMUP, at most JIT_WARMUP_MAX), DURATION against the simulator directly, DURATION
# through the gateway while the gateway's threads are read from /proc/<pid>/task before and after.
# Output: one line of totals, one of microseconds per request per thread group, one of the part of it spent in the
# kernel (system time), and thread-cpu.json.
#
# Knobs (environment): DURATION (12s), JIT_WARMUP (30s), JIT_WARMUP_MAX (180s), CONNECTIONS (64), SKIP_BUILD=1,
# MVN_FLAGS (e.g. -o), PORT_BASE (19100), GATEWAY_ENV (extra variables for the gateway, e.g. "QUARKUS_LOG_CONSOLE_ASYNC=false"),
# PROFILE=1 (also record JFR's method samples over the measured window: $OUT/gateway.jfr, and the hottest frames per
# thread group in $OUT/profile.txt; the recording costs the gateway a little CPU, so compare profiled runs only with
# each other).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-12s}
JIT_WARMUP=${JIT_WARMUP:-30s}
JIT_WARMUP_MAX=${JIT_WARMUP_MAX:-180s}
CONNECTIONS=${CONNECTIONS:-64}
PORT_BASE=${PORT_BASE:-19100}
OUT=bench/target/gateway-thread-cpu
rm -rf "$OUT" && mkdir -p "$OUT"

# shellcheck source=bench/common.sh
source bench/common.sh
bench_gateway_platform "$OUT"
BODY='{"model":"sim-llama-3-8b","max_tokens":16,"messages":[{"role":"user","content":"Say hello"}]}'
load() { java -cp "$BENCH_CP" dev.tollgate.bench.BenchMain --body "$BODY" --connections "$CONNECTIONS" \
  --event-loops 2 --format json "$@"; }
threads() { for t in /proc/"$GATEWAY_PID"/task/*; do
  echo "$(tr ' ' _ < "$t/comm") $(bench_cpu_ticks "$t/stat") $(sed 's/.*) //' "$t/stat" | awk '{print $13}') \
    $(awk '/ctxt_switches/{s+=$2} END{print s}' "$t/status")"
done 2>/dev/null || true; }

GATEWAY="http://127.0.0.1:$PORT_BASE/v1/chat/completions"
echo "== JIT warm-up (not measured)" >&2
bench_warm_jit "$GATEWAY_PID" "$JIT_WARMUP" "$JIT_WARMUP_MAX" load --url "$GATEWAY" -H "Authorization: Bearer $KEY" \
  --warmup 1s
echo "== direct ($DURATION)" >&2
load --url "http://127.0.0.1:$((PORT_BASE + 1))/v1/chat/completions" --duration "$DURATION" --warmup 1s > "$OUT/direct.json"
echo "== through the gateway ($DURATION)" >&2
if [ "${PROFILE:-0}" = 1 ]; then
  # JFR's "profile" settings with method samples every millisecond instead of every 10 ms: a thread that is busy a
  # tenth of the time still gets thousands of samples in the window.
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  sed 's|<setting name="period" control="method-sampling-java-interval">10 ms</setting>|<setting name="period" control="method-sampling-java-interval">1 ms</setting>|' \
    "$java_home/lib/jfr/profile.jfc" > "$OUT/profile-1ms.jfc"
  jcmd "$GATEWAY_PID" JFR.start name=bench settings="$(pwd)/$OUT/profile-1ms.jfc" >/dev/null
fi
threads > "$OUT/threads-before.txt"
load --url "$GATEWAY" -H "Authorization: Bearer $KEY" --duration "$DURATION" --warmup 0s > "$OUT/gateway.json"
threads > "$OUT/threads-after.txt"
if [ "${PROFILE:-0}" = 1 ]; then
  jcmd "$GATEWAY_PID" JFR.stop name=bench filename="$(pwd)/$OUT/gateway.jfr" >/dev/null
  jfr print --events jdk.ExecutionSample --stack-depth 64 "$OUT/gateway.jfr" > "$OUT/samples.txt"
  python3 bench/jfr-hot-frames.py "$OUT/samples.txt" > "$OUT/profile.txt"
  echo "profile: $OUT/profile.txt" >&2
fi

python3 - "$OUT" "$(getconf CLK_TCK)" <<'PY'
import collections, json, re, sys
out, ticks = sys.argv[1], int(sys.argv[2])
direct = json.load(open(f"{out}/direct.json"))
gateway = json.load(open(f"{out}/gateway.json"))
requests = gateway["ok"]
def read(name):
    cpu, system, switches = collections.Counter(), collections.Counter(), 0
    for line in open(f"{out}/{name}"):
        fields = line.split()
        if len(fields) != 4:  # a thread that ended while it was being read
            continue
        thread, t, sys_t, s = fields
        group = re.sub(r"\d+", "N", thread)
        cpu[group] += int(t)
        system[group] += int(sys_t)
        switches += int(s)
    return cpu, system, switches
(b, bsys, sb), (a, asys, sa) = read("threads-before.txt"), read("threads-after.txt")
per = {k: (a[k] - b[k]) * 1e6 / ticks / requests for k in a if a[k] > b[k]}
per_system = {k: (asys[k] - bsys[k]) * 1e6 / ticks / requests for k in asys if asys[k] > bsys[k]}
report = {"directRequestsPerSecond": direct["requestsPerSecond"],
          "gatewayRequestsPerSecond": gateway["requestsPerSecond"],
          "gatewayCpuMicrosPerRequest": round(sum(per.values()), 1),
          "gatewaySystemCpuMicrosPerRequest": round(sum(per_system.values()), 1),
          "contextSwitchesPerRequest": round((sa - sb) / requests, 2),
          "threadSystemCpuMicrosPerRequest": {k: round(v, 1) for k, v in sorted(per_system.items(),
                                                                                key=lambda kv: -kv[1])},
          "threadCpuMicrosPerRequest": {k: round(v, 1) for k, v in sorted(per.items(), key=lambda kv: -kv[1])}}
json.dump(report, open(f"{out}/thread-cpu.json", "w"), indent=1)
print("direct %.0f req/s, gateway %.0f req/s (%.1f %%), gateway CPU %.1f us/request, %.2f context switches/request"
      % (report["directRequestsPerSecond"], report["gatewayRequestsPerSecond"],
         100 * report["gatewayRequestsPerSecond"] / report["directRequestsPerSecond"],
         report["gatewayCpuMicrosPerRequest"], report["contextSwitchesPerRequest"]))
print("  per thread (us/request): " + ", ".join(f"{k} {v}" for k, v in report["threadCpuMicrosPerRequest"].items()))
print("  of which in the kernel: %.1f us/request; " % report["gatewaySystemCpuMicrosPerRequest"]
      + ", ".join(f"{k} {v}" for k, v in report["threadSystemCpuMicrosPerRequest"].items()))
PY
