#!/usr/bin/env bash
# Ingest benchmark: the same GeoJSON file of N parcels (exchange structure, EPSG:9212) submitted to
# the hub, and loaded by ogr2ogr into PostGIS with COPY, in the same run. With the cluster's
# postmaster pid, also the CPU seconds each side spent: the hub's process or ogr2ogr's, and all of
# PostgreSQL's (the postmaster, its children, and the children it has reaped).
# Usage: ingest.sh <hub base url> <hub pid> <file> <ogr PG: connection string> [postmaster pid]
# INGEST_SETTLE, when set, is a command run before each of the two loads (the benchmark vacuums
# and checkpoints, so that neither load pays for the background work the previous writes left).
set -euo pipefail
# The pause lets the settling session's backend end and be reaped first: its CPU would otherwise
# reach the postmaster's reaped-children count inside the window measured next.
settle() { if [ -n "${INGEST_SETTLE:-}" ]; then bash -c "$INGEST_SETTLE" >/dev/null; sleep 1; fi; }
base=$1; pid=$2; file=$3; pg=$4; postmaster=${5:-}
records=$(grep -o '"type" *: *"Feature"' "$file" | wc -l)
before_kb=$(grep VmHWM "/proc/$pid/status" | awk '{print $2}')
tick=$(getconf CLK_TCK)
cpu_of() { # CPU ticks of the given processes, their reaped children included
  # (a process may end between being listed and being read: it then counts nothing here)
  for p in "$@"; do awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || true; done | awk '{s += $1} END {print s + 0}'
}
pg_cpu() { if [ -n "$postmaster" ]; then cpu_of "$postmaster" $(pgrep -P "$postmaster"); else echo 0; fi; }
seconds() { echo "scale=2; ($1) / $tick" | bc; }
settle
hub_cpu0=$(cpu_of "$pid"); pg_cpu0=$(pg_cpu)
start=$(date +%s.%N)
status=$(curl -s -D /tmp/ingest-headers.txt -o /tmp/ingest-answer.json -w '%{http_code}' -X POST "$base/api/v1/datasets/parcels/submissions" \
  -H "Authorization: Bearer $DATAHUB_TOKEN" -H 'Content-Type: application/geo+json' -H "Idempotency-Key: bench-$(date +%s%N)" --data-binary "@$file")
if [ "$status" = 202 ]; then
  # Large bodies are applied by the worker: time until the status URL says it is done (bounded).
  # Prefer: wait holds each status request until the submission ends (at most 30 s), so the
  # time taken is the hub's, not a polling interval's.
  location=$(grep -i '^location:' /tmp/ingest-headers.txt | tr -d '\r' | cut -d' ' -f2)
  for _ in $(seq 1 20); do
    state=$(curl -s -H "Authorization: Bearer $DATAHUB_TOKEN" -H 'Prefer: wait=30' "$location" | grep -o '"status":"[a-z]*"' | head -1)
    case "$state" in *applied*|*rejected*) break ;; esac
  done
  status="202 then $state"
fi
hub=$(echo "$(date +%s.%N) - $start" | bc)
hub_cpu=$(seconds "$(cpu_of "$pid") - $hub_cpu0"); hub_pg_cpu=$(seconds "$(pg_cpu) - $pg_cpu0")
peak_kb=$(grep VmHWM "/proc/$pid/status" | awk '{print $2}')
settle
pg_cpu0=$(pg_cpu)
start=$(date +%s.%N)
TIMEFORMAT='%U %S'
ogr_times=$( { time PG_USE_COPY=YES ogr2ogr -f PostgreSQL "$pg" "$file" -nln bench_ogr_parcels -overwrite -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST -a_srs EPSG:9212 >/dev/null; } 2>&1 )
ogr=$(echo "$(date +%s.%N) - $start" | bc)
ogr_cpu=$(echo "$ogr_times" | awk '{print $1 + $2}'); ogr_pg_cpu=$(seconds "$(pg_cpu) - $pg_cpu0")
echo "records=$records hub_status='$status' hub_seconds=$hub hub_rate=$(echo "$records / $hub" | bc) hub_rss_before_kb=$before_kb hub_peak_rss_kb=$peak_kb ogr2ogr_seconds=$ogr ogr2ogr_rate=$(echo "$records / $ogr" | bc) ratio_hub_rate_over_ogr2ogr=$(echo "scale=2; $ogr / $hub" | bc) hub_cpu_s=$hub_cpu hub_postgres_cpu_s=$hub_pg_cpu ogr2ogr_cpu_s=$ogr_cpu ogr2ogr_postgres_cpu_s=$ogr_pg_cpu hub_floor_on_$(nproc)_cores_s=$(echo "scale=2; ($hub_cpu + $hub_pg_cpu) / $(nproc)" | bc)"
