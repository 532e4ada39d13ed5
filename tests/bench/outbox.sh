#!/usr/bin/env bash
# Outbox benchmark: what routing changes to partners costs the write path (one submission of N
# parcels with the routes off, then on), and how fast the outbox drains to the reference partner
# receiver (samples/PartnerReceiver) on 127.0.0.1, without faults and with 30% of 503s.
# Standalone (its own throwaway cluster), or called by tests/bench/run. Bounded in time.
# Usage: tests/bench/outbox.sh [--parcels N] [--messages M]   (defaults 100000 and 20000)
# Prints one line of key=value figures as its last line.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
source scripts/lib/postgres.sh
source tests/bench/token.sh
parcels=100000; messages=20000
while [ $# -gt 0 ]; do
  case "$1" in --parcels) parcels=$2; shift 2 ;; --messages) messages=$2; shift 2 ;; *) die "unknown argument $1" ;; esac
done
require_dotnet
ensure_postgres_packages
command -v bc >/dev/null 2>&1 || apt_install bc

scratch=$(mktemp -d /tmp/datahub-outbox-bench.XXXXXX); chmod 755 "$scratch"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; stop_cluster; rm -rf "$scratch"; }
trap cleanup EXIT
start_cluster "$scratch/pg" "$(free_port 31000)"
export DATAHUB_DB; DATAHUB_DB=$(cluster_connection_string outboxbench)
export PGPASSWORD=$CLUSTER_PASSWORD
sql() { psql -h 127.0.0.1 -p "$CLUSTER_PORT" -U datahub -d outboxbench -qAtc "$1"; }

say "building (Release)…"
dotnet build src/DataHub.Api -c Release -nologo -v quiet -o "$scratch/bin" >/dev/null
dotnet build samples/PartnerReceiver -c Release -nologo -v quiet -o "$scratch/receiver" >/dev/null
dotnet "$scratch/bin/DataHub.Api.dll" migrate >/dev/null
say "seeding $parcels parcels…"
dotnet "$scratch/bin/DataHub.Api.dll" seed --parcels "$parcels" >/dev/null
# The triggers' own time, whatever else the machine is doing: PostgreSQL counts it per function.
sql "alter database outboxbench set track_functions = 'pl'"

receiver_port=$(free_port 41000)
dotnet "$scratch/receiver/PartnerReceiver.dll" --urls "http://127.0.0.1:$receiver_port" >"$scratch/receiver.log" 2>&1 &
pids+=($!)
hub_port=$(free_port 42000)
# One signing key for every start of the hub below, so the benchmark client's token outlives a restart.
signing_key=$(head -c 32 /dev/urandom | base64)
start_hub() { # partner settings as arguments
  env DATAHUB_LOG_FORMAT=json 'Logging__LogLevel__Default=Warning' 'Logging__LogLevel__Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware=Warning' \
    Deliveries__PollMilliseconds=100 Auth__SigningKey="$signing_key" Auth__ClientTokenMinutes=600 Auth__RateLimitPerPrincipal=1000000000 "$@" dotnet "$scratch/bin/DataHub.Api.dll" serve --urls "http://127.0.0.1:$hub_port" >>"$scratch/hub.log" 2>&1 &
  hub_pid=$!; pids+=($hub_pid)
  until curl -sf -o /dev/null "http://127.0.0.1:$hub_port/health/ready" && curl -sf -o /dev/null "http://127.0.0.1:$receiver_port/"; do sleep 0.1; done
  [ -n "${token:-}" ] || token=$(bench_token outboxbench "http://127.0.0.1:$hub_port")
}
start_hub

# The write path: the same parcels submitted as new map sheets, routes off, then on (both partners).
export_sheet() { # $1 = map sheet offset
  sql "select json_build_object('type','FeatureCollection','crs',json_build_object('type','name','properties',json_build_object('name','urn:ogc:def:crs:EPSG::9212')),
   'features', json_agg(json_build_object('type','Feature','geometry',ST_AsGeoJSON(p.geom,2,0)::json,
     'properties', json_build_object('commune_code',p.commune_code,'map_sheet',p.map_sheet+$1,'parcel_no',p.parcel_no,'area_m2',p.area_m2,
        'registered_on',p.registered_on,'land_uses',(select json_agg(json_strip_nulls(json_build_object('purpose_code',u.purpose_code,'area_m2',u.area_m2,'long_term',u.long_term,'use_until',u.use_until,'origin_code',u.origin_code,'is_main',u.is_main)) order by u.id) from land.land_uses u where u.parcel_id=p.id)))))
  from (select * from land.parcels order by id) p" >"$scratch/sheet$1.geojson"
}
submit() { # $1 = file; prints seconds until applied (bounded: 10 minutes)
  local start location state
  start=$(date +%s.%N)
  location=$(curl -s -D - -o /dev/null -X POST "http://127.0.0.1:$hub_port/api/v1/datasets/parcels/submissions" -H 'Prefer: respond-async' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/geo+json' -H "Idempotency-Key: outbox-bench-$(date +%s%N)" --data-binary "@$1" | grep -i '^location:' | tr -d '\r' | cut -d' ' -f2)
  [ -n "$location" ] || die "the submission was not accepted (no status URL)"
  for _ in $(seq 1 3000); do
    state=$(curl -s -H "Authorization: Bearer $token" "$location" | grep -o '"status":"[a-z]*"' | head -1)
    case "$state" in *applied*) break ;; *rejected*) die "submission rejected: $(curl -s -H "Authorization: Bearer $token" "$location" | head -c 500)" ;; esac
    sleep 0.2
  done
  echo "$(date +%s.%N) - $start" | bc
}
say "write path: $parcels parcels submitted with the routes off, on, off, on…"
export_sheet 500; export_sheet 700; export_sheet 900; export_sheet 1100
routes() { sql "update outbox.routes set enabled = ($1 and dataset_id = 'parcels')"; }
# While the routes are on nothing drains: the hub's partner URLs are not set yet.
routes false; off1=$(submit "$scratch/sheet500.geojson")
routes true; on1=$(submit "$scratch/sheet700.geojson")
routes false; off2=$(submit "$scratch/sheet900.geojson")
routes true; on2=$(submit "$scratch/sheet1100.geojson")
written=$(sql "select count(*) from outbox.messages")
sleep 1 # function statistics reach the shared counters within a second
triggers=$(sql "select string_agg(funcname || '_ms=' || round(total_time) || ' ' || funcname || '_calls=' || calls, ' ' order by funcname) from pg_stat_user_functions where funcname in ('route_changes', 'record_changes')")
sql "update outbox.routes set enabled = false where target = 'ioc'; truncate outbox.messages cascade"

kill "$hub_pid"; wait "$hub_pid" 2>/dev/null || true
start_hub Partners__Ministry__BaseUrl="http://127.0.0.1:$receiver_port/ministry"

drain() { # $1 = label; times until the outbox is empty after $messages parcels change
  sql "select set_config('datahub.writer', 'bench', false); update land.parcels set address = '$1 ' || id where id in (select id from land.parcels order by id limit $messages)" >/dev/null
  local start; start=$(date +%s.%N)
  for _ in $(seq 1 6000); do
    [ "$(sql "select count(*) from outbox.messages where status = 'pending'")" = 0 ] && break
    sleep 0.1
  done
  echo "$(date +%s.%N) - $start" | bc
}
say "draining $messages messages to the receiver, no faults…"
clean=$(drain clean)
curl -sf -X PUT "http://127.0.0.1:$receiver_port/admin/faults" -H 'Content-Type: application/json' -d '{"failureRate":0.3}' >/dev/null
say "draining $messages messages to the receiver, 30% of 503s…"
faulty=$(drain faulty)
delivered=$(sql "select count(*) from outbox.messages where status = 'delivered'")
requests=$(curl -s "http://127.0.0.1:$receiver_port/received" | grep -o '"status":[0-9]*' | sort | uniq -c | tr -s ' ' | tr '\n' ',' )
echo "parcels=$parcels submit_routes_off_s=$off1,$off2 submit_routes_on_s=$on1,$on2 messages_written=$written $triggers drain_messages=$messages drain_clean_s=$clean drain_clean_rate=$(echo "$messages / $clean" | bc) drain_503_s=$faulty drain_503_rate=$(echo "$messages / $faulty" | bc) delivered=$delivered receiver_answers='$requests'"
