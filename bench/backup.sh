#!/usr/bin/env bash
# Base backup and restore speed and repository size, side by side on the same data in one run:
# pgflex (zstd + AES-256-GCM, 2 workers, filesystem repository), pgBackRest (Debian package; full,
# zst + aes-256-cbc, process-max 2, local posix repository), pg_basebackup -Ft -z, and tar of the
# data directory without pg_wal. The data: a pgbench database of scale S (130: about 2 GB) in a
# real server created through the API (the same stack as the end-to-end tests). Prints a table
# and a final RESULT line (ratios pgflex / pgBackRest: at most 1.0 is the goal).
#   bench/backup.sh [scale=130]
# Needs the modules installed (./mvnw -B install -DskipTests: the bench module runs on e2e's test jar). Installs pgbackrest (apt) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-130}
command -v pgbackrest >/dev/null || { echo "== installing pgbackrest (apt)"; apt-get install -y -qq pgbackrest >/dev/null; }
LOG=$(mktemp /tmp/pgflex-bench-backup-XXXX.log)
echo "== pgbench scale $SCALE: pgflex vs pgBackRest vs pg_basebackup vs tar (full log: $LOG)"
# failsafe adds to the summaries of earlier runs: an old failure would fail this one
rm -f bench/target/failsafe-reports/failsafe-summary*.xml
if ./mvnw -B -pl bench verify -Dit.test=BackupBench -Dsurefire.skip=true -Dpgflex.bench.scale="$SCALE" -Dpgflex.test.storage-unit-bytes=1073741824 >"$LOG" 2>&1; then
  grep -E '^(loading|data directory|pgflex|pgBackRest|pg_basebackup|tar|  |RESULT)' "$LOG"
else
  grep -E '^(loading|data directory|RESULT)|ERROR|failed' "$LOG" | head -40
  echo "the benchmark failed: see $LOG" >&2
  exit 1
fi
