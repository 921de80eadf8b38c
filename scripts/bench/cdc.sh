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
"$root/scripts/bench/lab.sh" up
(cd "$root" && mvn -B -q -DskipTests package) || exit 1
now() { date +%s.%N; }
lsn_ge() { [ "$(psql $1 -Atc "select '$2'::pg_lsn >= '$3'::pg_lsn" postgres)" = t ]; }
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
godwit start "$work/task.yaml" >"$work/godwit-start.log" 2>&1 &
until grep -q "cdc: streaming slot" "$work/godwit-start.log"; do sleep 0.5; done
godwit stop "$work/task.yaml" >/dev/null; wait
END=$(backlog godwit)
BACKLOG=$(psql $S -Atc "select pg_size_pretty(pg_wal_lsn_diff('$END', confirmed_flush_lsn)) from pg_replication_slots where slot_name = 'godwit_cdcbench'" postgres)
t0=$(now); GODWIT_JAVA_OPTS="${GODWIT_JAVA_OPTS:-} ${RESUME_JAVA_OPTS:-}" godwit resume "$work/task.yaml" >"$work/godwit-resume.log" 2>&1 &
until c=$(psql $T "$DB" -Atc "select lsn from godwit.checkpoint" 2>/dev/null) && [ -n "$c" ] && lsn_ge "$S" "$c" "$END"; do sleep 0.2; done
t1=$(now); godwit stop "$work/task.yaml" >/dev/null; wait
G_TX=$(cat "$work/tx-godwit"); G_SEC=$(echo "$t1 - $t0" | bc)
printf 'godwit catch-up: %d transactions, WAL %s, in %.1f s\n' "$G_TX" "$BACKLOG" "$G_SEC"

[ "${NATIVE:-1}" = 0 ] && { echo "(logs in $work)"; exit 0; }

# --- native logical replication: same schema and data, subscription disabled while the backlog is written
fresh_source godwit_cdcbench nat_sub; fresh_target
pg_dump $S "$DB" | psql $T -q "$DB" >/dev/null
psql $S "$DB" -qc "CREATE PUBLICATION nat_pub FOR ALL TABLES"
psql $T "$DB" -qc "CREATE SUBSCRIPTION nat_sub CONNECTION 'host=127.0.0.1 port=55432 user=postgres dbname=$DB' PUBLICATION nat_pub WITH (copy_data = false, enabled = false)"
END=$(backlog native)
BACKLOG=$(psql $S -Atc "select pg_size_pretty(pg_wal_lsn_diff('$END', confirmed_flush_lsn)) from pg_replication_slots where slot_name = 'nat_sub'" postgres)
t0=$(now); psql $T "$DB" -qc "ALTER SUBSCRIPTION nat_sub ENABLE"
until lsn_ge "$S" "$(psql $S -Atc "select coalesce(confirmed_flush_lsn, '0/0') from pg_replication_slots where slot_name = 'nat_sub'" postgres)" "$END"; do sleep 0.2; done
t1=$(now)
N_TX=$(cat "$work/tx-native"); N_SEC=$(echo "$t1 - $t0" | bc)
printf 'native catch-up: %d transactions, WAL %s, in %.1f s\n' "$N_TX" "$BACKLOG" "$N_SEC"
psql $T "$DB" -qc "ALTER SUBSCRIPTION nat_sub DISABLE; ALTER SUBSCRIPTION nat_sub SET (slot_name = NONE); DROP SUBSCRIPTION nat_sub"
psql $S -Atc "select pg_drop_replication_slot('nat_sub')" postgres >/dev/null 2>&1

G_RATE=$(echo "$G_TX / $G_SEC" | bc -l); N_RATE=$(echo "$N_TX / $N_SEC" | bc -l)
echo
printf '%-8s %12s %18s\n' consumer "txn/s" "row changes/s"
printf '%-8s %12.0f %18.0f\n' godwit "$G_RATE" "$(echo "4 * $G_RATE" | bc -l)"
printf '%-8s %12.0f %18.0f\n' native "$N_RATE" "$(echo "4 * $N_RATE" | bc -l)"
printf 'godwit / native: %.2fx   (logs in %s)\n' "$(echo "$G_RATE / $N_RATE" | bc -l)" "$work"
