#!/usr/bin/env bash
# Measures how fast a usage backlog reaches PostgreSQL: the warehouse sink (Kafka Connect with Debezium's JDBC sink
# and the shipped connectors/warehouse/config/postgres/usage.json), its rebuild from offset zero, and the reference
# billing consumer (connectors/billing).
#
# Setup (everything on this machine, loopback only): a real KRaft broker, the Apicurio Registry and PostgreSQL (the
# local platform's parts), and a backlog of EVENTS Avro usage events with realistic variety (bench's UsageWorkload,
# 0.5 % re-deliveries) on tollgate.usage.v1. Then, one after the other, each alone on the machine:
#   (a) sink: a Connect worker runs the usage sink; rows/s from the first row until every distinct event has its row;
#   (b) rebuild: stop, reset offsets, resume; rows/s until every row has been written again;
#   (c) billing: the billing consumer in its own JVM; events/s until its committed offsets reach the end.
#
# Knobs (environment): EVENTS (200000), ORGS (300), TASKS (the sink's tasks.max; default: as shipped, 1),
# SINK_OPTS (settings that replace the shipped ones, space separated, e.g. "batch.size=5000"), BILLING_BATCH (500),
# SKIP_BUILD=1, MVN_FLAGS (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-200000}
ORGS=${ORGS:-300}
BILLING_BATCH=${BILLING_BATCH:-500}
OUT=bench/target/warehouse-bench
rm -rf "$OUT" && mkdir -p "$OUT"

# shellcheck source=bench/common.sh
source bench/common.sh
bench_build bench,connectors/warehouse,connectors/billing

opts=()
[[ -n "${TASKS:-}" ]] && opts+=(--tasks "$TASKS")
for o in ${SINK_OPTS:-}; do opts+=(--sink-opt "$o"); done

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
java -Xms512m -Xmx1g -XX:+UseParallelGC -cp "$BENCH_CP" dev.tollgate.bench.warehouse.WarehouseBench \
  --events "$EVENTS" --orgs "$ORGS" --billing-batch "$BILLING_BATCH" --work-dir "$OUT/work" \
  --report "$OUT/report.json" "${opts[@]}"
echo "== report: $OUT/report.json; logs: $OUT/work/connect/connect.log, $OUT/work/billing.log" >&2
