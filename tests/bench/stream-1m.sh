#!/usr/bin/env bash
# Streams a whole collection through the items endpoint at the maximum page size, following the
# next links, and reports time, bytes and the hub's peak RSS (VmHWM) next to the anchor:
# PostgreSQL producing the same feature GeoJSON itself (COPY of the same SELECT to /dev/null).
# Usage: stream-1m.sh <hub base url> <hub pid> <psql connection args...>
set -euo pipefail
base=$1; pid=$2; shift 2
url="$base/api/v1/collections/parcels/items?limit=10000"
pages=0; bytes=0
# Each page goes to a file and only its tail is read for the next link: holding 7 MB pages in a
# shell variable cost the client about as much as the hub's own work.
page=$(mktemp); trap 'rm -f "$page"' EXIT
start=$(date +%s.%N)
while [ -n "$url" ]; do
  curl -sf -o "$page" -H "Authorization: Bearer $DATAHUB_TOKEN" "$url"
  bytes=$((bytes + $(stat -c %s "$page")))
  pages=$((pages + 1))
  url=$(tail -c 2000 "$page" | grep -o '"href":"[^"]*","rel":"next"' | sed 's/"href":"\([^"]*\)".*/\1/' || true)
  [ "$pages" -lt 200 ] || break   # bounded: 200 pages is 2,000,000 features
done
hub_seconds=$(echo "$(date +%s.%N) - $start" | bc)
peak_kb=$(grep VmHWM "/proc/$pid/status" | awk '{print $2}')
start=$(date +%s.%N)
psql "$@" -qc "\copy (select json_build_object('type','Feature','id',id,'geometry',ST_AsGeoJSON(ST_Transform(geom,4326),7)::json,'properties',json_build_object('commune_code',commune_code,'map_sheet',map_sheet,'parcel_no',parcel_no,'area_m2',area_m2,'legal_area_m2',legal_area_m2,'address',address,'old_commune_code',old_commune_code,'old_map_sheet',old_map_sheet,'old_parcel_no',old_parcel_no,'registered_on',registered_on,'main_purpose_code',main_purpose_code,'purpose_codes',purpose_codes,'updated_at',updated_at))::text from sharing.parcels order by id) to '/dev/null'"
pg_seconds=$(echo "$(date +%s.%N) - $start" | bc)
echo "pages=$pages bytes=$bytes hub_seconds=$hub_seconds hub_peak_rss_kb=$peak_kb postgis_alone_seconds=$pg_seconds ratio_hub_over_postgis=$(echo "scale=2; $hub_seconds / $pg_seconds" | bc)"
