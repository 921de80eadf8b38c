#!/usr/bin/env bash
# CDC apply lag under a steady load: a consumer streams while pgbench (TPC-B-like) runs at a fixed rate, and the lag
# is sampled on the target:
#   seconds = age of the newest pgbench_history row visible on the target (its mtime is the source transaction's
#             start; both servers run on this machine's clock): how stale a reader of the target is. Sampled every
#             100 ms by one session on the target (a loop in SQL: no process started per sample)
#   bytes   = source pg_current_wal_lsn() minus the consumer's position (godwit's checkpoint, or native's slot's
#             confirmed position): WAL not applied yet. Sampled every 0.5 s, through one session on each server
# The load runs WARMUP s (default 10) before SECONDS of sampling, for both consumers: a JVM that has just started
# compiles its apply path during the first seconds of changes, which a migration's hours of CDC never see again.
# godwit and native logical replication run RUNS times each (default 3), alternating, on the same load; prints each
# run's achieved rate, pgbench's own latency (the source's transactions: the age counts from their start), and the
# lag's p50 / p95 / p99 / max, then the medians of the runs' percentiles.
#
# usage: scripts/bench/cdc-lag.sh [SCALE] [SECONDS] [RATE] [CLIENTS]   (defaults 10, 60, 2000 txn/s, 4)
# needs: apt-get install postgresql-15; Java 17 and Maven for godwit. Uses ports 55432/55433 (scripts/bench/lab.sh).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCALE=${1:-10}; SECS=${2:-60}; RATE=${3:-2000}; CLIENTS=${4:-4}; RUNS=${RUNS:-3}; WARMUP=${WARMUP:-10}; DB=cdclag
export PATH=/usr/lib/postgresql/15/bin:$PATH
S="-h 127.0.0.1 -p 55432 -U postgres"; T="-h 127.0.0.1 -p 55433 -U postgres"
work=$(mktemp -d /tmp/godwit-cdclag.XXXX)
. "$root/scripts/bench/pgbench-lab.sh"

# runs pgbench at RATE for SECS s while sampling; $1 = run name, $2 = SQL for the consumer's position on the source
# server (pg_lsn), $3 = the database it is read in, on $4 (S or T connection options)
measure() {
  local name=$1 position=$2 posdb=$3 posconn=$4 ticks=$(( (SECS - 3) * 10 ))
  psql $T "$DB" -qc "CREATE SCHEMA IF NOT EXISTS bench; CREATE TABLE bench.age (age float8)"
  # the same quiet start for both: what the initial copy left (dirty buffers, tables never vacuumed) is settled
  # first, or a checkpoint and autovacuum of the fresh copy fall into the measurement and slow the source's
  # transactions, whose start the age counts from
  psql $T "$DB" -qc "VACUUM ANALYZE" -c "CHECKPOINT"; psql $S "$DB" -qc "VACUUM ANALYZE" -c "CHECKPOINT"
  pgbench $S -c "$CLIENTS" -j 2 -R "$RATE" -T $((SECS + WARMUP)) -n "$DB" >"$work/pgbench-$name.log" 2>&1 &
  local bench=$!
  sleep "$WARMUP" # the load's first seconds are not sampled: godwit's JVM compiles its apply path then
  # each sample in a transaction of its own: a fresh snapshot, and no transaction id held for the whole run
  psql $T "$DB" -qc "DO \$\$ BEGIN FOR i IN 1..$ticks LOOP
      INSERT INTO bench.age SELECT extract(epoch FROM clock_timestamp() - mtime)
        FROM pgbench_history ORDER BY id DESC LIMIT 1;
      COMMIT;
      PERFORM pg_sleep(0.1);
    END LOOP; END \$\$" &
  local sampler=$!
  local jvm; jvm=$(pgrep -f "godwit.jar start $work/task.yaml" | head -1)
  local s0 t0 j0 n0; s0=$(lab_cpu src); t0=$(lab_cpu tgt); j0=$(jvm_cpu "$jvm"); n0=$(history_rows)
  : >"$work/bytes-$name"
  # one session on each server for the whole run, fed through pipes: a psql process per sample started a backend
  # on the consumer's server twice a second, whose CPU counted as that server's
  rm -f "$work"/src.in "$work"/src.out "$work"/pos.in "$work"/pos.out
  mkfifo "$work/src.in" "$work/src.out" "$work/pos.in" "$work/pos.out"
  psql $S -AtqX postgres <"$work/src.in" >"$work/src.out" 2>/dev/null &
  psql $posconn -AtqX "$posdb" <"$work/pos.in" >"$work/pos.out" 2>/dev/null &
  exec 7>"$work/src.in" 8<"$work/src.out" 5>"$work/pos.in" 6<"$work/pos.out"
  while kill -0 "$sampler" 2>/dev/null; do
    echo "select pg_current_wal_lsn();" >&7
    if read -t 5 -r src <&8; then
      echo "select pg_wal_lsn_diff('$src', ($position));" >&5
      read -t 5 -r b <&6 && echo "$b" >>"$work/bytes-$name"
    fi
    sleep 0.5
  done
  exec 7>&- 8<&- 5>&- 6<&-
  # the CPU each source transaction cost while sampled, as cdc.sh reports it for a catch-up
  local n=$(( $(history_rows) - n0 ))
  echo "$(cpu_per_txn "$s0" "$(lab_cpu src)" "$n") $(cpu_per_txn "$t0" "$(lab_cpu tgt)" "$n")" \
    "$(if [ -n "$jvm" ]; then cpu_per_txn "$j0" "$(jvm_cpu "$jvm")" "$n"; else echo -; fi)" >"$work/cpu-$name"
  wait "$bench"
  psql $T "$DB" -Atc "select age from bench.age" >"$work/seconds-$name"
}
history_rows() { psql $S "$DB" -Atc "select coalesce(max(id), 0) from pgbench_history"; }
jvm_cpu() { [ -n "$1" ] && echo "scale=2; $(ticks "$1") / $HZ" | bc || echo 0; }
cpu_per_txn() { echo "scale=0; ($2 - $1) * 1000000 / $3" | bc; } # CPU seconds before, after, transactions -> µs

pct() { # file, percentile -> value
  sort -g "$1" | awk -v p="$2" '{v[NR]=$1} END{i=int(NR*p+0.999); if(i<1)i=1; print v[i]}'
}
median() { sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
report() { # run name
  printf '%-10s %5s txn/s  %5s ms  %4d samples  seconds p50 %.3f  p95 %.3f  p99 %.3f  max %.3f   bytes p50 %9.0f  p99 %9.0f\n' \
    "$1" "$(grep -o 'tps = [0-9]*' "$work/pgbench-$1.log" | head -1 | cut -d' ' -f3)" \
    "$(grep -o 'latency average = [0-9.]*' "$work/pgbench-$1.log" | cut -d' ' -f4)" "$(wc -l <"$work/seconds-$1")" \
    "$(pct "$work/seconds-$1" 0.50)" "$(pct "$work/seconds-$1" 0.95)" "$(pct "$work/seconds-$1" 0.99)" \
    "$(pct "$work/seconds-$1" 1)" "$(pct "$work/bytes-$1" 0.50)" "$(pct "$work/bytes-$1" 0.99)"
  read -r cs ct cj <"$work/cpu-$1"
  echo "           CPU per transaction: source server $cs µs, target server $ct µs, godwit's JVM $cj µs"
}

write_task cdclag
for r in $(seq 1 "$RUNS"); do
  fresh_source godwit_cdclag nat_lag; fresh_target
  godwit start "$work/task.yaml" >"$work/godwit-$r.log" 2>&1 &
  until grep -q "cdc: streaming slot" "$work/godwit-$r.log"; do sleep 0.5; done
  sleep 3 # let the stream settle on the idle position
  measure "godwit-$r" "select lsn from godwit.checkpoint" "$DB" "$T"
  godwit stop "$work/task.yaml" >/dev/null; wait
  report "godwit-$r"

  fresh_source godwit_cdclag nat_lag; fresh_target
  pg_dump $S "$DB" | psql $T -q "$DB" >/dev/null
  psql $S "$DB" -qc "CREATE PUBLICATION nat_lag FOR ALL TABLES"
  psql $T "$DB" -qc "CREATE SUBSCRIPTION nat_lag CONNECTION 'host=127.0.0.1 port=55432 user=postgres dbname=$DB'
                     PUBLICATION nat_lag WITH (copy_data = false)" 2>/dev/null
  sleep 3
  measure "native-$r" "select confirmed_flush_lsn from pg_replication_slots where slot_name = 'nat_lag'" postgres "$S"
  psql $T "$DB" -qc "DROP SUBSCRIPTION nat_lag"
  report "native-$r"
done

echo
for c in godwit native; do
  printf '%-7s median of %d runs: seconds' "$c" "$RUNS"
  for p in 0.50 0.95 0.99; do
    printf '  p%s %.3f' "${p#0.}" "$(for r in $(seq 1 "$RUNS"); do pct "$work/seconds-$c-$r" "$p"; done | median)"
  done
  echo
done
echo "(samples and logs in $work; load average now $(cut -d' ' -f1-3 /proc/loadavg); both servers run with"
echo " synchronous_commit = off, so the source's WAL writer flushes, and logical decoding sees, new WAL only every"
echo " wal_writer_delay = 200 ms or 1 MB: part of both lags)"
