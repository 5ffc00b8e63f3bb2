#!/usr/bin/env bash
# Connection paths of one server, side by side in one run (this machine is shared and noisy, so
# the paths take turns, round after round, and the figures that matter are ratios):
#   A. pgbench -S -c 50 -C (a new TLS connection per transaction): directly to the instance
#      vs through the built-in PgBouncer (via the router's PgBouncer port)
#   B. plain pgbench -S (connections kept): through the stable endpoint (router) vs directly
#      to the instance: the router's overhead
# All with sslmode=require. Prints each round, the medians, and a final RESULT line.
# Needs ./pgflex up (starts it if not running).
#   bench/endpoint.sh [seconds-per-run] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
ROUNDS=${2:-3}
export PGFLEX_HOME=${PGFLEX_HOME:-$HOME/.pgflex}
./pgflex status >/dev/null 2>&1 || ./pgflex up
eval "$(./pgflex env)"
SUB=bench-endpoint
TOKEN=$(./pgflex token --subscription "$SUB" --hours 2)
PW="Pw-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')1x"
NAME="bench-ep-$(date +%s)"
BASE="$PGFLEX_API_URL/subscriptions/$SUB/resourceGroups/bench/providers/Microsoft.DBforPostgreSQL/flexibleServers/$NAME"
V="api-version=2025-08-01"

api() { # api METHOD URL [BODY]: the body of the answer; fails loudly on an error
  local out code
  out=$(curl --cacert "$PGFLEX_CA_CERT" -sS -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    "$2?$V" ${3:+-d "$3"})
  code=${out##*$'\n'}
  if [ "${code:0:1}" != 2 ]; then echo "$1 $2 answered $code: ${out%$'\n'*}" >&2; return 1; fi
  echo "${out%$'\n'*}"
}

await_op() { # await_op HEADERS-FILE
  local url; url=$(grep -i '^azure-asyncoperation:' "$1" | cut -d' ' -f2 | tr -d '\r')
  while :; do
    status=$(curl --cacert "$PGFLEX_CA_CERT" -fsS -H "Authorization: Bearer $TOKEN" "$url" | grep -o '"status":"[A-Za-z]*"' | cut -d'"' -f4)
    [ "$status" = InProgress ] || break
    sleep 0.2
  done
  [ "$status" = Succeeded ] || { echo "operation $url ended $status" >&2; exit 1; }
}

accepted() { # accepted METHOD URL BODY: waits for the operation
  local h; h=$(mktemp)
  curl --cacert "$PGFLEX_CA_CERT" -sS -D "$h" -o /dev/null -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$2?$V" -d "$3"
  await_op "$h"; rm -f "$h"
}

cleanup() { curl --cacert "$PGFLEX_CA_CERT" -sS -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" "$BASE?$V" || true; }
trap cleanup EXIT

echo "== server $NAME (PostgreSQL 16, Standard_D2ds_v5), firewall 127.0.0.1, PgBouncer on"
accepted PUT "$BASE" '{"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},
  "properties":{"version":"16","administratorLogin":"benchuser","administratorLoginPassword":"'"$PW"'"}}'
accepted PUT "$BASE/firewallRules/local" '{"properties":{"startIpAddress":"127.0.0.1","endIpAddress":"127.0.0.1"}}'
accepted PUT "$BASE/configurations/pgbouncer.enabled" '{"properties":{"value":"on","source":"user-override"}}'
server=$(api GET "$BASE")
endpoint=$(echo "$server" | grep -o '"port":[0-9]*' | head -1 | cut -d: -f2)
bouncer=$(echo "$server" | grep -o '"pgBouncerPort":[0-9]*' | cut -d: -f2)
direct=$(echo "$server" | grep -o '"multiHostConnectionString":"[^"]*' | grep -o 'port=[0-9]*' | cut -d= -f2)
echo "   endpoint (router) :$endpoint   PgBouncer via router :$bouncer   instance (direct) :$direct"

export PGPASSWORD=$PW
conn() { echo "host=127.0.0.1 port=$1 dbname=postgres user=benchuser sslmode=require"; }
echo "== pgbench -i -s 10 (through the endpoint)"
pgbench -i -q -s 10 "$(conn "$endpoint")" >/dev/null 2>&1

tps() { # tps PORT ARGS...: transactions per second of one pgbench run
  local port=$1; shift
  pgbench -n -S -T "$SECS" "$@" "$(conn "$port")" 2>/dev/null | grep -o 'tps = [0-9.]*' | head -1 | cut -d' ' -f3
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

declare -a C_DIRECT C_BOUNCER K_ENDPOINT K_DIRECT
for r in $(seq 1 "$ROUNDS"); do
  C_DIRECT+=("$(tps "$direct" -c 50 -j 2 -C)")
  C_BOUNCER+=("$(tps "$bouncer" -c 50 -j 2 -C)")
  K_ENDPOINT+=("$(tps "$endpoint" -c 8 -j 2)")
  K_DIRECT+=("$(tps "$direct" -c 8 -j 2)")
  printf '   round %d: -C direct %8.1f  -C PgBouncer %8.1f  |  kept, endpoint %8.1f  kept, direct %8.1f  (tps)\n' \
    "$r" "${C_DIRECT[-1]}" "${C_BOUNCER[-1]}" "${K_ENDPOINT[-1]}" "${K_DIRECT[-1]}"
done
cd_m=$(printf '%s\n' "${C_DIRECT[@]}" | median)
cb_m=$(printf '%s\n' "${C_BOUNCER[@]}" | median)
ke_m=$(printf '%s\n' "${K_ENDPOINT[@]}" | median)
kd_m=$(printf '%s\n' "${K_DIRECT[@]}" | median)
pool_ratio=$(awk -v a="$cb_m" -v b="$cd_m" 'BEGIN {printf "%.2f", a / b}')
router_ratio=$(awk -v a="$ke_m" -v b="$kd_m" 'BEGIN {printf "%.3f", a / b}')
echo "== medians of $ROUNDS rounds of ${SECS} s"
printf '   A. new connection per transaction (-c 50 -C):  direct %.1f tps   through PgBouncer %.1f tps   (x%s)\n' "$cd_m" "$cb_m" "$pool_ratio"
printf '   B. kept connections (-c 8):                     endpoint %.1f tps   direct %.1f tps   (endpoint/direct %s)\n' "$ke_m" "$kd_m" "$router_ratio"
echo "RESULT connect_direct_tps=$cd_m connect_pgbouncer_tps=$cb_m pgbouncer_speedup=$pool_ratio kept_endpoint_tps=$ke_m kept_direct_tps=$kd_m router_ratio=$router_ratio rounds=$ROUNDS seconds=$SECS"
