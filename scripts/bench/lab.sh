#!/usr/bin/env bash
# Two local PostgreSQL servers for benchmarks: a source with logical WAL and a target, from the system's binaries.
# usage: lab.sh up|down|reset    env: LAB (default /tmp/godwit-lab), PGBIN (default: PostgreSQL 15's bin),
#        SRC_PORT (55432), TGT_PORT (55433). Needs: apt-get install postgresql-15
set -euo pipefail
LAB=${LAB:-/tmp/godwit-lab}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
SRC_PORT=${SRC_PORT:-55432}
TGT_PORT=${TGT_PORT:-55433}
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else bash -c "$*"; fi; }
init() { # dir port
  mkdir -p "$1"; [ "$(id -u)" = 0 ] && chown -R postgres "$LAB"
  as_pg "$PGBIN/initdb -D $1 -U postgres -A trust --no-sync >/dev/null"
  cat >>"$1/postgresql.conf" <<CONF
port = $2
listen_addresses = '127.0.0.1'
unix_socket_directories = '$LAB'
wal_level = logical
max_replication_slots = 20
max_wal_senders = 20
max_worker_processes = 16
shared_buffers = 1GB
max_wal_size = 8GB
checkpoint_timeout = 30min
synchronous_commit = off
CONF
  echo "host replication all 127.0.0.1/32 trust" >>"$1/pg_hba.conf"
}
case ${1:-up} in
  up)
    [ -d "$LAB/src" ] || init "$LAB/src" "$SRC_PORT"
    [ -d "$LAB/tgt" ] || init "$LAB/tgt" "$TGT_PORT"
    as_pg "$PGBIN/pg_ctl -D $LAB/src -l $LAB/src.log -w start >/dev/null" || true
    as_pg "$PGBIN/pg_ctl -D $LAB/tgt -l $LAB/tgt.log -w start >/dev/null" || true;;
  down)
    as_pg "$PGBIN/pg_ctl -D $LAB/src -w -m fast stop" >/dev/null 2>&1 || true
    as_pg "$PGBIN/pg_ctl -D $LAB/tgt -w -m fast stop" >/dev/null 2>&1 || true;;
  reset) "$0" down; rm -rf "$LAB"; "$0" up;;
  *) echo "usage: $0 up|down|reset" >&2; exit 2;;
esac
