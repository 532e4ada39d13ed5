#!/usr/bin/env bash
# Extraction formats side by side: the same query (every parcel, every public field) extracted
# as GeoJSON, CSV and GeoPackage (CRS84 and VN-2000), each job's run time (started to finished, from
# extraction.jobs), file size and the hub's peak RSS after it (GeoPackage last, so a rise would be
# its own), and the anchor for GeoPackage: GDAL's
# ogr2ogr writing the same rows from PostGIS to a GeoPackage (no spatial index, as the hub).
# Throwaway cluster, everything on 127.0.0.1. Usage: tests/bench/extract.sh [--parcels N] (default 20000).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
source scripts/lib/postgres.sh
parcels=20000
[ "${1:-}" = "--parcels" ] && parcels=$2
require_dotnet
ensure_postgres_packages
command -v ogr2ogr >/dev/null 2>&1 || apt_install gdal-bin
command -v bc >/dev/null 2>&1 || apt_install bc

scratch=$(mktemp -d /tmp/datahub-bench.XXXXXX); chmod 755 "$scratch"
hub_pid=""
cleanup() { [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null; stop_cluster; rm -rf "$scratch"; }
trap cleanup EXIT
start_cluster "$scratch/pg" "$(free_port 30000)"
export DATAHUB_DB; DATAHUB_DB=$(cluster_connection_string bench)
export PGPASSWORD=$CLUSTER_PASSWORD
psql_bench() { psql -h 127.0.0.1 -p "$CLUSTER_PORT" -U datahub -d bench -qtA "$@"; }

say "building (Release)…"
dotnet build src/DataHub.Api -c Release -nologo -v quiet -o "$scratch/bin" >/dev/null
dotnet "$scratch/bin/DataHub.Api.dll" migrate >/dev/null
say "seeding $parcels parcels…"
dotnet "$scratch/bin/DataHub.Api.dll" seed --parcels "$parcels" | tail -1

port=$(free_port 40000)
env 'Logging__LogLevel__Default=Warning' Auth__ClientTokenMinutes=600 Extractions__Folder="$scratch/extracts" Extractions__PollMilliseconds=100 \
  dotnet "$scratch/bin/DataHub.Api.dll" serve --urls "http://127.0.0.1:$port" >"$scratch/hub.log" 2>&1 &
hub_pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do sleep 0.05; done
source tests/bench/token.sh
DATAHUB_TOKEN=$(bench_token bench "http://127.0.0.1:$port")
rss_before=$(grep VmRSS "/proc/$hub_pid/status" | awk '{print $2}')

extract() { # $1 = label, $2 = JSON body
  local id status
  id=$(curl -sf -H "Authorization: Bearer $DATAHUB_TOKEN" -H 'Content-Type: application/json' -d "$2" \
         "http://127.0.0.1:$port/api/v1/extractions" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  for _ in $(seq 1 1200); do   # bounded: 10 minutes
    status=$(psql_bench -c "select status from extraction.jobs where id = '$id'")
    [ "$status" = queued ] || [ "$status" = running ] || break
    sleep 0.5
  done
  echo "$(psql_bench -F ' ' -c "select '$1', status, rows_written, round(extract(epoch from finished_at - started_at)::numeric, 2), file_bytes from extraction.jobs where id = '$id'") $(grep VmHWM "/proc/$hub_pid/status" | awk '{print $2}')"
}
echo "format status rows seconds bytes hub_peak_rss_kb_after"
extract geojson '{"dataset": "parcels", "format": "geojson"}'
extract csv '{"dataset": "parcels", "format": "csv"}'
extract gpkg '{"dataset": "parcels", "format": "gpkg"}'
extract gpkg-again '{"dataset": "parcels", "format": "gpkg"}'
extract gpkg-vn2000 '{"dataset": "parcels", "format": "gpkg", "crs": "http://www.opengis.net/def/crs/EPSG/0/9212"}'
echo "hub_rss_before_kb=$rss_before"

start=$(date +%s.%N)
ogr2ogr -f GPKG "$scratch/anchor.gpkg" "PG:host=127.0.0.1 port=$CLUSTER_PORT user=datahub dbname=bench password=$PGPASSWORD" \
  -sql "select id, commune_code, map_sheet, parcel_no, area_m2, legal_area_m2, address, old_commune_code, old_map_sheet, old_parcel_no, registered_on, main_purpose_code, array_to_string(purpose_codes, ';') as purpose_codes, updated_at, ST_Transform(geom, 4326) as geom from sharing.parcels order by id" \
  -nln parcels -lco SPATIAL_INDEX=NO
echo "ogr2ogr_gpkg_seconds=$(echo "$(date +%s.%N) - $start" | bc) ogr2ogr_gpkg_bytes=$(stat -c %s "$scratch/anchor.gpkg")"
