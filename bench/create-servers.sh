#!/usr/bin/env bash
# Create-to-first-TLS-connection time of pgflex servers, through the local stack's API gateway:
# from the PUT of a server (and, right after it, of a firewall rule for 127.0.0.1) to the first
# successful `psql sslmode=require`. 10 servers one after another, then 10 at once.
# Prints each time, p50/p95 per mode, and a final RESULT line. Needs ./pgflex up (starts it if not running).
#   bench/create-servers.sh [count] [postgres-major]
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-10}
MAJOR=${2:-16}
export PGFLEX_HOME=${PGFLEX_HOME:-$HOME/.pgflex}
./pgflex status >/dev/null 2>&1 || ./pgflex up
eval "$(./pgflex env)"
SUB=bench-create
TOKEN=$(./pgflex token --subscription "$SUB" --hours 2)
PW="Pw-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')1x"
BASE="$PGFLEX_API_URL/subscriptions/$SUB/resourceGroups/bench/providers/Microsoft.DBforPostgreSQL/flexibleServers"
RUN=$(date +%s)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

now_ms() { date +%s%3N; }

put() { # put URL BODY: fails loudly with the API's error body
  local out code
  out=$(curl --cacert "$PGFLEX_CA_CERT" -sS -w '\n%{http_code}' -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    "$1?api-version=2025-08-01" -d "$2")
  code=${out##*$'\n'}
  if [ "${code:0:1}" != 2 ]; then echo "PUT $1 answered $code: ${out%$'\n'*}" >&2; return 1; fi
}

# create one server and time it to its first TLS connection; prints milliseconds
create_one() {
  local name=$1 t0 port=""
  t0=$(now_ms)
  put "$BASE/$name" '{"location":"local","sku":{"name":"Standard_B1ms","tier":"Burstable"},
    "properties":{"version":"'"$MAJOR"'","administratorLogin":"benchuser","administratorLoginPassword":"'"$PW"'"}}' || return 1
  put "$BASE/$name/firewallRules/local" '{"properties":{"startIpAddress":"127.0.0.1","endIpAddress":"127.0.0.1"}}' || return 1
  while :; do
    if [ -z "$port" ]; then
      port=$(curl --cacert "$PGFLEX_CA_CERT" -fsS -H "Authorization: Bearer $TOKEN" "$BASE/$name?api-version=2025-08-01" | grep -o '"port":[0-9]*' | cut -d: -f2 || true)
    fi
    if [ -n "$port" ] && PGPASSWORD=$PW PGCONNECT_TIMEOUT=2 psql -X -tA \
        "host=127.0.0.1 port=$port dbname=postgres user=benchuser sslmode=require" -c 'SELECT 1' >/dev/null 2>&1; then
      break
    fi
    if [ $(( $(now_ms) - t0 )) -gt 120000 ]; then echo "timeout: $name" >&2; echo 120000; return; fi
    sleep 0.05
  done
  echo $(( $(now_ms) - t0 ))
}

percentile() { # percentile P < numbers
  sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int((NR*p+99)/100); if (i<1) i=1; print a[i]}'
}

echo "== $COUNT servers (PostgreSQL $MAJOR, Standard_B1ms) one after another"
for i in $(seq 1 "$COUNT"); do
  ms=$(create_one "bench-$RUN-s$i") || exit 1
  echo "  bench-$RUN-s$i: ${ms} ms"
  echo "$ms" >> "$WORK/sequential"
done
echo "== $COUNT servers at once"
for i in $(seq 1 "$COUNT"); do
  (create_one "bench-$RUN-p$i" > "$WORK/p$i") &
done
wait
for i in $(seq 1 "$COUNT"); do echo "  bench-$RUN-p$i: $(cat "$WORK/p$i") ms"; cat "$WORK/p$i" >> "$WORK/parallel"; done

SEQ50=$(percentile 50 < "$WORK/sequential"); SEQ95=$(percentile 95 < "$WORK/sequential")
PAR50=$(percentile 50 < "$WORK/parallel"); PAR95=$(percentile 95 < "$WORK/parallel")
echo "== cleaning up (deleting the $((COUNT * 2)) servers)"
for name in $(curl --cacert "$PGFLEX_CA_CERT" -fsS -H "Authorization: Bearer $TOKEN" "$BASE?api-version=2025-08-01" | grep -o '"name":"bench-'"$RUN"'-[sp][0-9]*"' | cut -d'"' -f4); do
  curl --cacert "$PGFLEX_CA_CERT" -fsS -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" "$BASE/$name?api-version=2025-08-01" || true
done
printf '\n%-12s %8s %8s\n' mode p50_ms p95_ms
printf '%-12s %8s %8s\n' sequential "$SEQ50" "$SEQ95" parallel "$PAR50" "$PAR95"
echo "RESULT count=$COUNT major=$MAJOR sequential_p50_ms=$SEQ50 sequential_p95_ms=$SEQ95 parallel_p50_ms=$PAR50 parallel_p95_ms=$PAR95"
