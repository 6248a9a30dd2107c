#!/usr/bin/env bash
# Start the Debian PostgreSQL cluster (installed by scripts/setup-system.sh) and make sure the
# test role exists. Prints the SQLAlchemy URL of the test server on stdout.
set -euo pipefail
ROLE=${BORDER_APP_PG_ROLE:-border_test}
PASS=${BORDER_APP_PG_PASSWORD:-border_test}
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sudo -u postgres sh -c "$*"; fi; }
sudo_if() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Only the URL may reach stdout: everything else goes to stderr (pg_ctlcluster, for one, prints
# "Removed stale pid file." on stdout after an unclean shutdown). A function keeps the variables;
# no extra descriptor is opened, since the server would inherit it and hold the caller's pipe open.
start_cluster() {
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    sudo_if pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    sudo_if pg_ctlcluster "$version" main start
  fi
  port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
  for _ in $(seq 1 30); do
    as_postgres "psql -p $port -Atqc 'select 1'" >/dev/null 2>&1 && break
    sleep 0.5
  done
  as_postgres "psql -p $port -Atqc \"select 1 from pg_roles where rolname='$ROLE'\"" | grep -q 1 ||
    as_postgres "psql -p $port -qc \"create role $ROLE login createdb password '$PASS'\""
  # the coordination tests create their own databases and the roles hhbm_import,
  # hhbm_coordination and hhbm_health (border-app coordination init-db): CREATEDB and CREATEROLE
  as_postgres "psql -p $port -qc \"alter role $ROLE createdb createrole\"" >/dev/null
  as_postgres "psql -p $port -Atqc \"select 1 from pg_database where datname='$ROLE'\"" | grep -q 1 ||
    as_postgres "createdb -p $port -O $ROLE $ROLE"
}
start_cluster >&2
echo "postgresql+psycopg://$ROLE:$PASS@127.0.0.1:$port/$ROLE"
