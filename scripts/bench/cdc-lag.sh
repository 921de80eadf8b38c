#!/usr/bin/env bash
# CDC apply lag under a steady load: godwit streams while pgbench (TPC-B-like) runs at a fixed rate; every 0.5 s the
# lag is sampled:
#   bytes   = source pg_current_wal_lsn() - godwit's checkpoint LSN on the target (WAL not applied yet)
#   seconds = age of the newest pgbench_history row visible on the target (its mtime is the source transaction's
#             start; both servers run on this machine's clock): how stale a reader of the target is
# Prints p50 / p95 / p99 / max of both, and the same for native logical replication under the same load (bytes from its
# slot's confirmed position).
#
# usage: scripts/bench/cdc-lag.sh [SCALE] [SECONDS] [RATE] [CLIENTS]   (defaults 10, 60, 2000 txn/s, 4)
# needs: apt-get install postgresql-15; Java 17 and Maven for godwit. Uses ports 55432/55433 (scripts/bench/lab.sh).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCALE=${1:-10}; SECS=${2:-60}; RATE=${3:-2000}; CLIENTS=${4:-4}; DB=cdclag
export PATH=/usr/lib/postgresql/15/bin:$PATH
S="-h 127.0.0.1 -p 55432 -U postgres"; T="-h 127.0.0.1 -p 55433 -U postgres"
work=$(mktemp -d /tmp/godwit-cdclag.XXXX)
. "$root/scripts/bench/pgbench-lab.sh"
AGE="(select extract(epoch from clock_timestamp() - max(mtime)) from pgbench_history)"

fresh_source godwit_cdclag; fresh_target
write_task cdclag
godwit start "$work/task.yaml" >"$work/godwit.log" 2>&1 &
until grep -q "cdc: streaming slot" "$work/godwit.log"; do sleep 0.5; done
sleep 3 # let the stream settle on the idle position

pgbench $S -c "$CLIENTS" -j 2 -R "$RATE" -T "$SECS" -n "$DB" >"$work/pgbench-godwit.log" 2>&1 &
bench=$!
sleep 2 # skip pgbench's start-up
while kill -0 "$bench" 2>/dev/null; do
  src=$(psql $S -Atc "select pg_current_wal_lsn()" postgres)
  psql $T "$DB" -AtF' ' -c "select pg_wal_lsn_diff('$src', lsn), $AGE from godwit.checkpoint" >>"$work/samples" 2>/dev/null
  sleep 0.5
done
wait "$bench"
godwit stop "$work/task.yaml" >/dev/null; wait

pct() { # file, column, percentile -> value
  sort -g -k"$2","$2" "$1" | awk -v c="$2" -v p="$3" '{v[NR]=$c} END{i=int(NR*p+0.999); if(i<1)i=1; print v[i]}'
}
report() { # name, samples file
  echo "$1 apply lag at $RATE txn/s ($(grep -o 'tps = [0-9.]*' "$work/pgbench-$1.log" | head -1) achieved), $(wc -l <"$2") samples:"
  printf '%-8s %14s %14s %14s %14s\n' "" p50 p95 p99 max
  printf '%-8s %14.0f %14.0f %14.0f %14.0f\n' bytes "$(pct "$2" 1 0.50)" "$(pct "$2" 1 0.95)" "$(pct "$2" 1 0.99)" "$(pct "$2" 1 1)"
  printf '%-8s %14.3f %14.3f %14.3f %14.3f\n' seconds "$(pct "$2" 2 0.50)" "$(pct "$2" 2 0.95)" "$(pct "$2" 2 0.99)" "$(pct "$2" 2 1)"
}

# --- native logical replication under the same load, for comparison
fresh_source; fresh_target
pg_dump $S "$DB" | psql $T -q "$DB" >/dev/null
psql $S "$DB" -qc "CREATE PUBLICATION nat_lag FOR ALL TABLES"
psql $T "$DB" -qc "CREATE SUBSCRIPTION nat_lag CONNECTION 'host=127.0.0.1 port=55432 user=postgres dbname=$DB' PUBLICATION nat_lag WITH (copy_data = false)"
sleep 3
pgbench $S -c "$CLIENTS" -j 2 -R "$RATE" -T "$SECS" -n "$DB" >"$work/pgbench-native.log" 2>&1 &
bench=$!
sleep 2
while kill -0 "$bench" 2>/dev/null; do
  bytes=$(psql $S -Atc "select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) from pg_replication_slots
                        where slot_name = 'nat_lag'" postgres)
  echo "$bytes $(psql $T "$DB" -Atc "select $AGE")" >>"$work/samples-native"
  sleep 0.5
done
wait "$bench"
psql $T "$DB" -qc "DROP SUBSCRIPTION nat_lag"

echo
report godwit "$work/samples"
report native "$work/samples-native"
echo "(samples and logs in $work; both servers run with synchronous_commit = off, so the source's WAL writer"
echo " flushes, and logical decoding sees, new WAL only every wal_writer_delay = 200 ms or 1 MB: part of both lags)"
