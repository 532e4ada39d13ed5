#!/usr/bin/env bash
# Ingest benchmark: the same GeoJSON file of N parcels (exchange structure, EPSG:9212) submitted to
# the hub, and loaded by ogr2ogr into PostGIS with COPY, in the same run.
# Usage: ingest.sh <hub base url> <hub pid> <file> <ogr PG: connection string>
set -euo pipefail
base=$1; pid=$2; file=$3; pg=$4
records=$(grep -o '"type" *: *"Feature"' "$file" | wc -l)
before_kb=$(grep VmHWM "/proc/$pid/status" | awk '{print $2}')
start=$(date +%s.%N)
status=$(curl -s -D /tmp/ingest-headers.txt -o /tmp/ingest-answer.json -w '%{http_code}' -X POST "$base/api/v1/datasets/parcels/submissions" \
  -H "Authorization: Bearer $DATAHUB_TOKEN" -H 'Content-Type: application/geo+json' -H "Idempotency-Key: bench-$(date +%s%N)" --data-binary "@$file")
if [ "$status" = 202 ]; then
  # Large bodies are applied by the worker: time until the status URL says it is done (bounded).
  location=$(grep -i '^location:' /tmp/ingest-headers.txt | tr -d '\r' | cut -d' ' -f2)
  for _ in $(seq 1 3000); do
    state=$(curl -s -H "Authorization: Bearer $DATAHUB_TOKEN" "$location" | grep -o '"status":"[a-z]*"' | head -1)
    case "$state" in *applied*|*rejected*) break ;; esac
    sleep 0.2
  done
  status="202 then $state"
fi
hub=$(echo "$(date +%s.%N) - $start" | bc)
peak_kb=$(grep VmHWM "/proc/$pid/status" | awk '{print $2}')
start=$(date +%s.%N)
PG_USE_COPY=YES ogr2ogr -f PostgreSQL "$pg" "$file" -nln bench_ogr_parcels -overwrite -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST -a_srs EPSG:9212 >/dev/null
ogr=$(echo "$(date +%s.%N) - $start" | bc)
echo "records=$records hub_status='$status' hub_seconds=$hub hub_rate=$(echo "$records / $hub" | bc) hub_rss_before_kb=$before_kb hub_peak_rss_kb=$peak_kb ogr2ogr_seconds=$ogr ogr2ogr_rate=$(echo "$records / $ogr" | bc) ratio_hub_rate_over_ogr2ogr=$(echo "scale=2; $ogr / $hub" | bc)"
