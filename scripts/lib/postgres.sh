# Shared by scripts/run and scripts/test: install PostgreSQL 15 + PostGIS 3 where missing and
# start/stop a private cluster. Sourced, not executed.

PG_BIN=/usr/lib/postgresql/15/bin
POSTGIS_CONTROL=/usr/share/postgresql/15/extension/postgis.control

say() { printf '\033[1m[datahub]\033[0m %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is needed (dotnet not found on PATH)."
}

# apt_install PACKAGE...: installs Debian packages, as root or through sudo.
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "$* missing and this user cannot install it.
  Ask an administrator to run: apt-get install -y $*
  or point DATAHUB_DB at an existing PostgreSQL with PostGIS."
    sudo="sudo"
  fi
  say "installing $* (apt)…"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
    && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
    || die "apt-get could not install $*"
}

# Installs PostgreSQL 15 and PostGIS 3 when initdb or the PostGIS extension is missing.
ensure_postgres_packages() {
  local need=()
  [ -x "$PG_BIN/initdb" ] || need+=(postgresql-15)
  [ -f "$POSTGIS_CONTROL" ] || need+=(postgresql-15-postgis-3)
  [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
  [ -x "$PG_BIN/initdb" ] && [ -f "$POSTGIS_CONTROL" ] || die "PostgreSQL/PostGIS still missing after apt-get install"
}

# Client tools the tests drive as real users would: PROJ's cs2cs (the coordinate tests compare
# PostGIS with it), GDAL's ogrinfo/ogr2ogr (they must read the OGC API as it is) and Debian's
# Chromium (the HTML pages' tests; Playwright never downloads a browser here); the backup tests
# start a real OpenSSH server (sshd) on 127.0.0.1 as their backup server.
ensure_test_tools() {
  local need=()
  [ -x /usr/sbin/sshd ] || need+=(openssh-server)
  command -v cs2cs >/dev/null 2>&1 || need+=(proj-bin)
  command -v ogr2ogr >/dev/null 2>&1 || need+=(gdal-bin)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
as_cluster_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A port nobody listens on, from a random start (bash's /dev/tcp probes without extra tools).
free_port() {
  local port=$(( ${1:-20000} + RANDOM % 20000 ))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# wait_while_stopping DIR: a cluster in DIR that is shutting down (postmaster.pid's status line
# reads "stopping", as when the previous scripts/run was stopped a moment ago) still holds its
# port and data folder; starting beside it fails with "Address already in use". Wait for it to end.
wait_while_stopping() {
  local pidfile=$1/postmaster.pid waited=0
  while [ "$(as_cluster_owner sed -n 8p "$pidfile" 2>/dev/null | tr -d ' ')" = stopping ]; do
    [ "$waited" = 0 ] && say "the cluster in $1 is still stopping; waiting for it"
    waited=$((waited + 1))
    [ "$waited" -le 600 ] || die "the cluster in $1 has been stopping for a minute; see $1/server.log"
    sleep 0.1
  done
}

# PostgreSQL's default 128 MB of shared buffers is smaller than the land tables and their indexes
# once a province is loaded: a large submission then spends a good part of its time reading and
# evicting pages (docs/performance.md, ingest). A quarter of the memory, as PostgreSQL's own
# tuning advice has it, at most 1 GB (this is one machine's local cluster, beside the hub).
shared_buffers_mb() {
  local total_kb; total_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  local mb=$((total_kb / 4 / 1024))
  [ "$mb" -gt 1024 ] && mb=1024
  [ "$mb" -lt 128 ] && mb=128
  echo "$mb"
}

# start_cluster DIR PORT: initdb on first use (password auth, superuser "datahub"), then start
# it on 127.0.0.1:PORT with its socket in DIR/run. Writes DIR.password on first use.
start_cluster() {
  local dir=$1 port=$2
  local parent; parent=$(dirname "$dir")
  mkdir -p "$parent"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$parent"; then
    die "the postgres user cannot reach $parent (a parent folder is not traversable).
  Clone the repo somewhere postgres can traverse (e.g. under /srv or /tmp), or set DATAHUB_DB."
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    say "creating a PostgreSQL cluster in $dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    chmod 700 "$dir"
    local password; password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    local pwfile; pwfile=$(mktemp)
    printf '%s\n' "$password" > "$pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
    as_cluster_owner "$PG_BIN/initdb" -D "$dir" -U datahub --pwfile="$pwfile" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null \
      || { rm -f "$pwfile"; die "initdb failed for $dir"; }
    rm -f "$pwfile"
    printf '%s\n' "$password" > "$dir.password"
    chmod 600 "$dir.password"
  fi
  as_cluster_owner mkdir -p "$dir/run"
  wait_while_stopping "$dir"
  if as_cluster_owner "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    say "cluster in $dir is already running"
    CLUSTER_STARTED_HERE=0
  else
    as_cluster_owner "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir/run -c listen_addresses=127.0.0.1 -c shared_buffers=$(shared_buffers_mb)MB" start >/dev/null \
      || die "PostgreSQL did not start; see $dir/server.log"
    CLUSTER_STARTED_HERE=1
  fi
  CLUSTER_DIR=$dir
  CLUSTER_PORT=$(as_cluster_owner head -n 4 "$dir/postmaster.pid" | tail -n 1)
  CLUSTER_PASSWORD=$(cat "$dir.password")
}

stop_cluster() {
  if [ "${CLUSTER_STARTED_HERE:-0}" = 1 ] && [ -n "${CLUSTER_DIR:-}" ]; then
    as_cluster_owner "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR" -m fast -w stop >/dev/null 2>&1 || true
    CLUSTER_STARTED_HERE=0
  fi
}

cluster_connection_string() {
  echo "Host=127.0.0.1;Port=$CLUSTER_PORT;Username=datahub;Password=$CLUSTER_PASSWORD;Database=${1:-datahub}"
}
