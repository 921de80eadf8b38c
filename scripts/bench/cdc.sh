#!/usr/bin/env bash
# CDC catch-up: godwit's applier beside native logical replication's apply worker, on the same kind of backlog:
# pgbench (TPC-B-like, 4 clients, SECONDS s) written while the consumer is stopped, then the consumer started and
# timed until it has applied everything up to the source's WAL position at the end of the backlog.
# Prints transactions/s and row changes/s (a pgbench transaction changes 4 rows) and godwit's ratio to native.
#
# usage: scripts/bench/cdc.sh [SCALE] [SECONDS] [CLIENTS]   (defaults 10, 60, 4)
# env:   GODWIT_JAVA_OPTS for every godwit JVM; RESUME_JAVA_OPTS for the timed resume alone, e.g. to profile it:
#        RESUME_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/resume.jfr,settings=profile'
#        NATIVE=0 times godwit alone (while profiling); the ratio needs both
# needs: apt-get install postgresql-15; Java 17 and Maven for godwit.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCALE=${1:-10}; SECS=${2:-60}; CLIENTS=${3:-4}; DB=cdcbench
export PATH=/usr/lib/postgresql/15/bin:$PATH
S="-h 127.0.0.1 -p 55432 -U postgres"; T="-h 127.0.0.1 -p 55433 -U postgres"
work=$(mktemp -d /tmp/godwit-cdcbench.XXXX)
. "$root/scripts/bench/pgbench-lab.sh"

backlog() { # prints the source WAL position at the end of the backlog
  local h0; h0=$(psql $S "$DB" -Atc "select count(*) from pgbench_history")
  pgbench $S -c "$CLIENTS" -j 2 -T "$SECS" -n "$DB" >"$work/pgbench-$1.log" 2>&1
  echo "$(psql $S "$DB" -Atc "select count(*) from pgbench_history") - $h0" | bc >"$work/tx-$1"
  psql $S "$DB" -Atc "select pg_current_wal_lsn()"
}

# --- godwit: full load, stop, backlog, resume and time the catch-up
fresh_source godwit_cdcbench nat_sub; fresh_target
write_task cdcbench
godwit_catch_up godwit godwit_cdcbench backlog godwit
G_TX=$(cat "$work/tx-godwit"); G_SEC=$TOOK
printf 'godwit catch-up: %d transactions, WAL %s, in %.1f s\n' "$G_TX" "$BACKLOG" "$G_SEC"

[ "${NATIVE:-1}" = 0 ] && { echo "(logs in $work)"; exit 0; }

# --- native logical replication: same schema and data, subscription disabled while the backlog is written
fresh_source godwit_cdcbench nat_sub; fresh_target
native_catch_up nat_sub backlog native
N_TX=$(cat "$work/tx-native"); N_SEC=$TOOK
printf 'native catch-up: %d transactions, WAL %s, in %.1f s\n' "$N_TX" "$BACKLOG" "$N_SEC"

G_RATE=$(echo "$G_TX / $G_SEC" | bc -l); N_RATE=$(echo "$N_TX / $N_SEC" | bc -l)
echo
printf '%-8s %12s %18s\n' consumer "txn/s" "row changes/s"
printf '%-8s %12.0f %18.0f\n' godwit "$G_RATE" "$(echo "4 * $G_RATE" | bc -l)"
printf '%-8s %12.0f %18.0f\n' native "$N_RATE" "$(echo "4 * $N_RATE" | bc -l)"
printf 'godwit / native: %.2fx   (logs in %s)\n' "$(echo "$G_RATE / $N_RATE" | bc -l)" "$work"
