#!/bin/sh
# Creates the topics of the event contract (schemas/.../Topics.java) on the compose broker. Idempotent
# (--if-not-exists). TopicsTest (deploy module) checks this list against Topics.all().
set -eu
topics=/opt/kafka/bin/kafka-topics.sh
create() {
  "$topics" --bootstrap-server "${BOOTSTRAP:-kafka:9092}" --create --if-not-exists --replication-factor 1 "$@"
}
create --topic tollgate.requests.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=604800000
create --topic tollgate.usage.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=2592000000
create --topic tollgate.usage-dlq.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=2592000000
create --topic tollgate.traces.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=259200000
create --topic tollgate.budget-state.v1 --partitions 6 --config cleanup.policy=compact
create --topic tollgate.budgets.v1 --partitions 6 --config cleanup.policy=compact
create --topic tollgate.budget-events.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=2592000000
create --topic tollgate.budget-lease-requests.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=86400000
create --topic tollgate.budget-lease-grants.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=86400000
create --topic tollgate.rollups.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=2592000000
create --topic tollgate.warehouse-dlq.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=2592000000
create --topic tollgate.requests-dlq.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=2592000000
create --topic tollgate.evaluators.v1 --partitions 1 --config cleanup.policy=compact
create --topic tollgate.dataset-examples.v1 --partitions 1 --config cleanup.policy=compact
create --topic tollgate.eval-runs.v1 --partitions 6 --config cleanup.policy=compact
create --topic tollgate.eval-backfills.v1 --partitions 6 --config cleanup.policy=compact
create --topic tollgate.eval-progress.v1 --partitions 1 --config cleanup.policy=compact
create --topic tollgate.eval-jobs.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=604800000
create --topic tollgate.evals-dlq.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=2592000000
create --topic tollgate.eval-scores.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=2592000000
create --topic tollgate.keys.v1 --partitions 1 --config cleanup.policy=compact
create --topic tollgate.endpoints.v1 --partitions 1 --config cleanup.policy=compact
create --topic tollgate.gateway-policies.v1 --partitions 1 --config cleanup.policy=compact
create --topic tollgate.alerts.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=2592000000
create --topic tollgate.endpoint-health.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=86400000
create --topic tollgate.endpoint-load.v1 --partitions 6 --config cleanup.policy=delete --config retention.ms=86400000
create --topic tollgate.alert-rules.v1 --partitions 1 --config cleanup.policy=compact
create --topic tollgate.alert-receivers.v1 --partitions 1 --config cleanup.policy=compact
create --topic tollgate.admin-audit.v1 --partitions 1 --config cleanup.policy=delete --config retention.ms=31536000000
create --topic tollgate.alert-silences.v1 --partitions 1 --config cleanup.policy=compact
echo "event=topics_ready"
