#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster: start it, export DATABASE_URL,
# run, stop and remove it. Installs the server packages through apt when they are missing.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing PostgreSQL server packages…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "error: PostgreSQL server binaries not found. Run: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
fi
PORT=${PGPORT_TEST:-54329}
DIR=$(mktemp -d /tmp/kuaixiang-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$DIR/data" -U postgres -A trust --no-sync >/dev/null
# autovacuum=off: the tests' rolled-back inserts count as changes, and an ANALYZE by autovacuum
# in the middle of the run would change the statistics the plan tests see, at random moments.
# Tests that need statistics run ANALYZE themselves.
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -o "-p $PORT -k $DIR -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c autovacuum=off" -l "$DIR/log" -w start >/dev/null
as_pg "$PGBIN/psql" -h "$DIR" -p "$PORT" -U postgres -qc "CREATE ROLE kuaixiang LOGIN CREATEDB PASSWORD 'kuaixiang'" >/dev/null
as_pg "$PGBIN/psql" -h "$DIR" -p "$PORT" -U postgres -qc "CREATE DATABASE kuaixiang OWNER kuaixiang" >/dev/null
export DATABASE_URL="postgres://kuaixiang:kuaixiang@127.0.0.1:$PORT/kuaixiang"
echo "PostgreSQL test cluster on port $PORT"
"$@"
