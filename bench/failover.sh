#!/usr/bin/env bash
# Unplanned failovers under write load, measured from the clients, and what the synchronous
# standby costs in throughput. Runs on the same real parts as the end-to-end tests (Kafka, the
# control-plane PostgreSQL, two node agents in zones 1 and 2 with the HAProxy router,
# provisioning-service and ha-service from their packaged jars): a zone-redundant server takes
# one-row commits from several concurrent clients through its stable endpoint while its primary's
# host is lost (SIGKILL of the agent and its PostgreSQL together), N times; the lost host comes
# back and its old primary is rebuilt as the standby before the next round. Prints each failover,
# RTO p50/p95/max (last acknowledged commit on the old primary -> first on the new one, from the
# clients), RPO (acknowledged rows missing afterwards), pgbench TPS with and without the
# synchronous standby, and a final RESULT line.
#   bench/failover.sh [failovers=10] [clients=4]
# Needs the modules built (./mvnw -B install -DskipTests, or a ./pgflex up before).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}
CLIENTS=${2:-4}
LOG=$(mktemp /tmp/pgflex-bench-failover-XXXX.log)
echo "== $N unplanned failovers with $CLIENTS concurrent writers (full log: $LOG; services' logs: e2e/target/e2e-logs)"
if ./mvnw -B -pl e2e verify -Dit.test=FailoverBench -Dsurefire.skip=true \
    -Dpgflex.bench.failovers="$N" -Dpgflex.bench.clients="$CLIENTS" >"$LOG" 2>&1; then
  grep -E '^(failover|unplanned|pgbench|RESULT)' "$LOG"
else
  grep -E '^(failover|unplanned|pgbench|RESULT)|ERROR' "$LOG" | head -40
  echo "the benchmark failed: see $LOG" >&2
  exit 1
fi
