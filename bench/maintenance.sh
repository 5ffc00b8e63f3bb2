#!/usr/bin/env bash
# Write unavailability while servers are patched to a new minor (16.15 -> 16.16) through maintenance-service, measured
# from the clients: per round a server without HA, then a zone-redundant one, under four clients that commit one row
# per transaction through the endpoint; every acknowledged row is checked afterwards. Prints each round, p50/max per
# kind, and a final RESULT line.
#   bench/maintenance.sh [rounds=5]
# Needs the modules installed (./mvnw -B install -DskipTests: the bench module runs on e2e's test jar).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5}
LOG=$(mktemp /tmp/pgflex-bench-maintenance-XXXX.log)
echo "== $N rounds of patching a server without HA and a zone-redundant one (full log: $LOG; services' logs: e2e/target/e2e-logs)"
rm -f bench/target/failsafe-reports/failsafe-summary*.xml
if ./mvnw -B -pl bench verify -Dit.test=MaintenanceBench -Dsurefire.skip=true -Dpgflex.bench.rounds="$N" >"$LOG" 2>&1; then
  grep -E '^(round|plain|ha|RESULT)' "$LOG"
else
  grep -E '^(round|RESULT)|ERROR' "$LOG" | head -40
  echo "the benchmark failed: see $LOG" >&2
  exit 1
fi
