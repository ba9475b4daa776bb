#!/usr/bin/env bash
# Measures what spend leases (issue #18) cost, on the whole local platform with two gateway replicas:
#   1. admission latency at RATE req/s, open loop, of a request on a hard budget: this build's gateway (admission
#      against a lease held in memory, the next lease fetched ahead of need) against the gateway of BASELINE_REF
#      (today's admission before leases: a reservation on the replica's own ledger), in the same run, in ROUNDS
#      alternating rounds; and this build's gateway against the simulator directly (the added latency);
#   2. the latency of a request that has to wait for a lease: the first request on each of WAITS fresh key budgets,
#      against the second one (which finds the lease the first one fetched), with curl;
#   3. the underspend at exhaustion: CONNECTIONS curl clients spread over both replicas send LIMIT_MICROS/10
#      requests against a small hard budget (LIMIT_MICROS) of a fresh org; the spend the streams app counts, the
#      limit less it (underspend) and anything over it (overspend, which leases rule out).
#
# Setup (everything on this machine, loopback only): ./tollgate-local --gateway-replicas 2 with the streams app (the
# budgets' owner), a real KRaft broker, the Apicurio Registry, PostgreSQL and the vLLM simulator (zero latency, 16
# output tokens); gateways -Xmx256m. The BASELINE_REF gateway is built from `git archive` of that commit into
# OUT/baseline-src and started as a third gateway with replica 1's command line and configuration (same broker,
# registry, database and simulator), on PORT_BASE + 200. The load generator is the bench module's BenchMain.
#
# Why WARMUP is 8 s: each pair runs in a fresh load-generator JVM, which for its first 2 to 3 s sends well below RATE
# (the gateway's access log shows it idle meanwhile); an open loop then drains the backlog at the gateway's spare
# capacity, which on 2 shared cores took until about 6 s into the first round. With 3 s of warm-up that backlog
# landed in the first target's measured window (p90 0.8 s on whichever gateway went first, with no request waiting
# in the gateway longer than 0.3 s). The first target is this build's gateway, so what is left of it counts against
# leases, not against the baseline.
#
# Knobs (environment): RATE (1000), DURATION (20s per target), ROUNDS (4), WARMUP (8s per round), JIT_WARMUP (30s),
# TODAY_FIRST=1 (measure today's admission first in each round of the leases/today pair, to see what the order
# costs the first target), CONNECTIONS (64), WAITS (20), LIMIT_MICROS (20000), BASELINE_REF (3d868f3, main before leases), SKIP_BUILD=1,
# MVN_FLAGS (e.g. -o), PORT_BASE (19300). Reports land in bench/target/lease-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-1000}
DURATION=${DURATION:-20s}
ROUNDS=${ROUNDS:-4}
WARMUP=${WARMUP:-8s}
JIT_WARMUP=${JIT_WARMUP:-30s}
CONNECTIONS=${CONNECTIONS:-64}
WAITS=${WAITS:-20}
LIMIT_MICROS=${LIMIT_MICROS:-20000}
BASELINE_REF=${BASELINE_REF:-3d868f3}
MVN_FLAGS=${MVN_FLAGS:-}
PORT_BASE=${PORT_BASE:-19300}
GATEWAY="http://127.0.0.1:$PORT_BASE"
GATEWAY2="http://127.0.0.1:$((PORT_BASE + 100))"
BASELINE="http://127.0.0.1:$((PORT_BASE + 200))"
DIRECT="http://127.0.0.1:$((PORT_BASE + 1))"
STREAMS="http://127.0.0.1:$((PORT_BASE + 8))"
OUT=bench/target/lease-bench
mkdir -p "$OUT"

# shellcheck source=bench/common.sh
source bench/common.sh
bench_build gateway,streams,bench,local/platform

BASE_SRC="$OUT/baseline-src"
BASE_JAR="$BASE_SRC/gateway/target/quarkus-app/quarkus-run.jar"
if [[ ! -f "$BASE_JAR" || "$(cat "$OUT/baseline-ref" 2>/dev/null)" != "$(git rev-parse "$BASELINE_REF")" ]]; then
  echo "== building the gateway of $BASELINE_REF (today's admission, before leases)" >&2
  rm -rf "$BASE_SRC" && mkdir -p "$BASE_SRC"
  git archive "$BASELINE_REF" | tar -x -C "$BASE_SRC"
  # shellcheck disable=SC2086
  (cd "$BASE_SRC" && ./mvnw -B -q ${MVN_FLAGS} package -DskipTests -pl gateway -am)
  git rev-parse "$BASELINE_REF" > "$OUT/baseline-ref"
fi

echo "== starting the platform with two gateway replicas" >&2
# The event journal came after BASELINE_REF: it is off in this build's replicas too, so that the comparison is of
# admission alone (what the journal costs is measured by run-journal-bench.sh).
export TOLLGATE_EVENTS_JOURNAL_ENABLED=false
bench_start_platform "$OUT" 240 --gateway-replicas 2
BODY='{"model":"sim-llama-3-8b","max_tokens":16,"messages":[{"role":"user","content":"Say hello to the benchmark"}]}'

echo "== starting the baseline gateway ($BASELINE_REF) beside them" >&2
replica1=$(pgrep -f "quarkus.http.port=$PORT_BASE " | head -1)
mapfile -d '' cmd < "/proc/$replica1/cmdline"
base_cmd=()
for arg in "${cmd[@]}"; do
  case "$arg" in
    -Dquarkus.http.port=*) base_cmd+=("-Dquarkus.http.port=$((PORT_BASE + 200))") ;;
    -Dquarkus.management.port=*) base_cmd+=("-Dquarkus.management.port=$((PORT_BASE + 203))") ;;
    # The baseline predates settings replica 1 is given (the journal's directory, the console's streams URL) and
    # migrations the replicas have applied (its Flyway would refuse a schema newer than it knows): it ignores both.
    -jar) base_cmd+=("-Dsmallrye.config.mapping.validate-unknown=false" "-Dquarkus.flyway.migrate-at-start=false"
      "-jar") ;;
    */quarkus-run.jar) base_cmd+=("$BASE_JAR") ;;
    *) base_cmd+=("$arg") ;;
  esac
done
TOLLGATE_BOOTSTRAP_API_KEY="$KEY" TOLLGATE_ADMIN_TOKEN="$ADMIN" "${base_cmd[@]}" > "$OUT/baseline-gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((PORT_BASE + 203))/q/health/ready") == 200 ]] && break
  sleep 1
done
if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((PORT_BASE + 203))/q/health/ready") != 200 ]]; then
  echo "the baseline gateway did not become ready; last lines of $OUT/baseline-gateway.log:" >&2
  tail -20 "$OUT/baseline-gateway.log" >&2
  exit 1
fi

admin() { # method path [json]
  curl -s -X "$1" "$GATEWAY$2" -H "Authorization: Bearer $ADMIN" -H "Content-Type: application/json" ${3:+-d "$3"}
}
await_applied() { # budget id, on every gateway
  for port in $PORT_BASE $((PORT_BASE + 100)) $((PORT_BASE + 200)); do
    for _ in $(seq 1 100); do
      curl -s "http://127.0.0.1:$port/admin/v1/budgets/$1" -H "Authorization: Bearer $ADMIN" | grep -q '"live":{' && break
      sleep 0.1
    done
  done
}
load() { # url extra-args...: the load generator with the bootstrap key, JSON report on stdout
  local url=$1; shift
  java -Xms256m -Xmx512m -XX:+UseParallelGC -cp "$BENCH_CP" dev.tollgate.bench.BenchMain --url "$url/v1/chat/completions" \
    --body "$BODY" -H "Authorization: Bearer $KEY" --format json "$@"
}
pair() { # label url versus-label versus-url: open loop at RATE in ROUNDS alternating rounds
  echo "== $1 and $3 at $RATE req/s, $ROUNDS alternating rounds" >&2
  load "$2" --mode open --rate "$RATE" --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" \
    --label "$1" --versus "$4/v1/chat/completions" --versus-label "$3" --rounds "$ROUNDS" > "$OUT/$1+$3.json"
  cat "$OUT/$1+$3.json"
}

echo "== 1. admission latency: a hard org budget of \$1,000 a day on the benchmark's org" >&2
admin POST /admin/v1/budgets '{"id":"bench-org","scope_type":"org","scope_id":"local","amount_micros":1000000000,"period":"daily"}' >/dev/null
await_applied bench-org
echo "== JIT warm-up ($JIT_WARMUP each, open loop at $RATE req/s, not measured)" >&2
load "$GATEWAY" --mode open --rate "$RATE" --connections "$CONNECTIONS" --duration "$JIT_WARMUP" --warmup 1s > /dev/null
load "$BASELINE" --mode open --rate "$RATE" --connections "$CONNECTIONS" --duration "$JIT_WARMUP" --warmup 1s > /dev/null
lease_metrics() { # label: replica 1's lease figures so far (answers to its asks, requests that waited)
  curl -s "http://127.0.0.1:$((PORT_BASE + 3))/q/metrics" | awk -v label="$1" '
    /^tollgate_budget_lease_answer_seconds\{quantile="0.5"/ {p50 = $NF * 1000}
    /^tollgate_budget_lease_answer_seconds\{quantile="0.99"/ {p99 = $NF * 1000}
    /^tollgate_budget_lease_answer_seconds_count/ {n = $NF}
    /^tollgate_budget_lease_wait_seconds_count/ {w += $NF}
    END {printf "%s: lease answers=%d p50=%.0f ms p99=%.0f ms (last ~2 min); requests that waited so far=%d\n", label, n, p50, p99, w}'
}
lease_metrics "after the JIT warm-up" | tee "$OUT/lease-metrics.txt" >&2
if [[ "${TODAY_FIRST:-0}" == 1 ]]; then
  pair today "$BASELINE" leases "$GATEWAY"
  mv "$OUT/today+leases.json" "$OUT/leases+today.json"  # the report's name; its lines are in measured order
else
  pair leases "$GATEWAY" today "$BASELINE"
fi
lease_metrics "after leases vs today" | tee -a "$OUT/lease-metrics.txt" >&2
pair direct "$DIRECT" leases-vs-direct "$GATEWAY"
lease_metrics "after direct vs leases" | tee -a "$OUT/lease-metrics.txt" >&2

echo "== 2. waiting for a lease: the first request on $WAITS fresh key budgets, then a second one" >&2
admin POST /admin/v1/orgs '{"id":"bench-wait","name":"Wait"}' >/dev/null
: > "$OUT/waits.txt"
for i in $(seq 1 "$WAITS"); do
  wkey=$(admin POST /admin/v1/keys '{"org_id":"bench-wait"}' | grep -o '"key":"tg_[^"]*"' | cut -d'"' -f4)
  wid=$(curl -s "$GATEWAY/admin/v1/keys?org_id=bench-wait" -H "Authorization: Bearer $ADMIN" | grep -o '"id":"key_[^"]*"' | tail -1 | cut -d'"' -f4)
  admin POST /admin/v1/budgets "{\"id\":\"bench-wait-$i\",\"scope_type\":\"key\",\"scope_id\":\"$wid\",\"amount_micros\":1000000,\"period\":\"daily\"}" >/dev/null
  await_applied "bench-wait-$i"
  for _ in $(seq 1 100); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY/v1/models" -H "Authorization: Bearer $wkey") == 200 ]] && break
    sleep 0.1
  done
  first=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$GATEWAY/v1/chat/completions" -H "Authorization: Bearer $wkey" \
    -H "Content-Type: application/json" -d "$BODY")
  second=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$GATEWAY/v1/chat/completions" -H "Authorization: Bearer $wkey" \
    -H "Content-Type: application/json" -d "$BODY")
  echo "$first $second" >> "$OUT/waits.txt"
done

echo "== 3. underspend: $CONNECTIONS clients over both replicas against a hard budget of $LIMIT_MICROS micro-dollars" >&2
admin POST /admin/v1/orgs '{"id":"bench-exhaust","name":"Exhaust"}' >/dev/null
EKEY=$(admin POST /admin/v1/keys '{"org_id":"bench-exhaust"}' | grep -o '"key":"tg_[^"]*"' | cut -d'"' -f4)
admin POST /admin/v1/budgets "{\"id\":\"bench-small\",\"scope_type\":\"org\",\"scope_id\":\"bench-exhaust\",\"amount_micros\":$LIMIT_MICROS,\"period\":\"daily\"}" >/dev/null
await_applied bench-small
for url in "$GATEWAY" "$GATEWAY2"; do
  for _ in $(seq 1 100); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/v1/models" -H "Authorization: Bearer $EKEY") == 200 ]] && break
    sleep 0.1
  done
done
seq 1 $(( LIMIT_MICROS / 10 )) | awk -v a="$GATEWAY" -v b="$GATEWAY2" '{print ($1 % 2 ? a : b)}' \
  | xargs -P "$CONNECTIONS" -I{} curl -s -o /dev/null -w '%{http_code}\n' "{}/v1/chat/completions" \
    -H "Authorization: Bearer $EKEY" -H "Content-Type: application/json" -d "$BODY" \
  | sort | uniq -c > "$OUT/exhaust-statuses.txt"
spent=-1
for _ in $(seq 1 60); do
  now=$(curl -s "$STREAMS/v1/budgets/bench-small" | grep -o '"spent_micros":[0-9]*' | cut -d: -f2)
  [[ -n "$now" && "$now" != 0 && "$now" == "$spent" ]] && break
  spent=${now:--1}; sleep 2
done

echo
echo "== results (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
summary() { # json line: label, ok/failed, p50 and p99 of latency
  python3 -c 'import json,sys
for line in sys.stdin:
    r = json.loads(line); l = r["latencyMs"]
    print("%-18s ok=%s failed=%s p50=%.3f ms p99=%.3f ms errors=%s" % (r["label"], r["ok"], r["failed"], l["p50"], l["p99"], r["errors"]))'
}
summary < "$OUT/leases+today.json"
summary < "$OUT/direct+leases-vs-direct.json"
cat "$OUT/lease-metrics.txt"
awk '{ if ($1 == 200) f[++n] = $2 * 1000; if ($3 == 200) s[++m] = $4 * 1000 }
  function med(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  END { printf "waiting for a lease: first request on a fresh budget, %d of %d answered 200: median %.1f ms, max %.1f ms; ", n, NR, med(f, n), f[n]
        printf "the second (lease held): median %.1f ms, max %.1f ms\n", med(s, m), s[m] }' "$OUT/waits.txt"
echo "exhaustion run, answers by status: $(tr -s ' \n' ' ' < "$OUT/exhaust-statuses.txt")"
echo "exhaustion run: limit_micros=$LIMIT_MICROS counted_by_streams=$spent underspend=$(( LIMIT_MICROS - spent )) overspend=$(( spent > LIMIT_MICROS ? spent - LIMIT_MICROS : 0 ))"
