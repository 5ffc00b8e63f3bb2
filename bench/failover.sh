#!/usr/bin/env bash
# Failures of a zone-redundant server under write load, measured from the clients, per fault class,
# and what the synchronous standby costs in throughput. Runs on the same real parts as the
# end-to-end tests, with the two database hosts as separate network hosts (network namespaces with
# their own addresses, the router on the platform side: needs root): four clients commit one row per
# transaction through the server's stable endpoint while, in turn, the primary's host is lost
# (SIGKILL of everything on it), its PostgreSQL crashes with the agent alive, its host hangs
# (SIGSTOP), its host is cut off the network, and the standby's host is lost; N rounds. After each
# fault the host comes back and the standby is rebuilt before the next. Prints each fault, per
# class the time without an acknowledged commit (p50/p95/max; for the standby's loss: how long
# commits waited before the primary went on alone), RPO (every acknowledged row is checked), pgbench
# TPS with and without the synchronous standby, and a final RESULT line.
#   bench/failover.sh [rounds=5]
# Needs the modules installed (./mvnw -B install -DskipTests: the bench module runs on e2e's test jar).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5}
LOG=$(mktemp /tmp/pgflex-bench-failover-XXXX.log)
echo "== $N rounds of host loss, PostgreSQL crash, hung host, partition and standby loss (full log: $LOG; services' logs: e2e/target/e2e-logs)"
# failsafe adds to the summaries of earlier runs: an old failure would fail this one
rm -f bench/target/failsafe-reports/failsafe-summary*.xml
if ./mvnw -B -pl bench verify -Dit.test=FailoverBench -Dnetns.test=FailoverBench -Dsurefire.skip=true -Dpgflex.bench.rounds="$N" >"$LOG" 2>&1; then
  grep -E '^(round|HOST_LOSS|POSTGRES_CRASH|HUNG_HOST|PARTITION|STANDBY_LOSS|pgbench|RESULT)' "$LOG"
else
  grep -E '^(round|fault|pgbench|RESULT)|ERROR' "$LOG" | head -40
  echo "the benchmark failed: see $LOG" >&2
  exit 1
fi
