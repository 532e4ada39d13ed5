# Sourced by the benchmark scripts: registers a benchmark client (reader, steward of parcels) in
# the database as an administrator would, and prints a token for it. Every benchmark request
# carries it, so the figures include the per-request rights check.
# Usage: bench_token <database> <hub base url>   (CLUSTER_PORT and PGPASSWORD set)
bench_token() {
  local database=$1 base=$2 secret
  secret="dhs_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  psql -h 127.0.0.1 -p "$CLUSTER_PORT" -U datahub -d "$database" -q >/dev/null <<SQL
select set_config('datahub.writer', 'bench', false);
insert into access.clients (client_id, name, unit_code) values ('bench', 'Benchmark', 'snnmt-dn') on conflict do nothing;
insert into access.client_secrets (client_id, secret_hash) values ('bench', 'sha256:$(printf %s "$secret" | sha256sum | cut -d' ' -f1)')
  on conflict (client_id) do update set secret_hash = excluded.secret_hash;
insert into access.role_assignments (client_id, role) values ('bench', 'reader') on conflict do nothing;
insert into access.role_assignments (client_id, role, dataset_id) values ('bench', 'data-steward', 'parcels') on conflict do nothing;
SQL
  curl -sf -d grant_type=client_credentials -d client_id=bench --data-urlencode "client_secret=$secret" "$base/api/v1/auth/token" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}
