#!/usr/bin/env bash
# Metrics ingest and query speed of monitoring-service (its packaged jar, a real Kafka broker and
# PostgreSQL): simulated MetricsReported batches of N servers (every metric, one batch per server per
# minute, M minutes) plus 30 days of one server's history go through pgflex.metrics; prints the
# points stored per second and the metrics API's time for 30 days of one metric at PT1H, then a
# RESULT line. Goals: at least 100,000 points/s; the query under 100 ms.
#   bench/metrics.sh [servers=1000] [minutes=60]
# Needs the modules installed (./mvnw -B install -DskipTests: the bench module runs on e2e's test jar).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVERS=${1:-1000}
MINUTES=${2:-60}
LOG=$(mktemp /tmp/pgflex-bench-metrics-XXXX.log)
echo "== $SERVERS servers x $MINUTES minutes + 30 days of one server into monitoring-service (full log: $LOG)"
# failsafe adds to the summaries of earlier runs: an old failure would fail this one
rm -f bench/target/failsafe-reports/failsafe-summary*.xml
if ./mvnw -B -pl bench verify -Dit.test=MetricsBench -Dsurefire.skip=true -Dpgflex.bench.servers="$SERVERS" \
    -Dpgflex.bench.minutes="$MINUTES" >"$LOG" 2>&1; then
  grep -E '^(produced|ingest|reference|rollup|query|RESULT)' "$LOG"
else
  grep -E '^(produced|ingest|rollup|query|RESULT)|ERROR|failed' "$LOG" | head -40
  echo "the benchmark failed: see $LOG" >&2
  exit 1
fi
