#!/usr/bin/env bash
# CDC catch-up by workload: godwit on one target session, godwit on N sessions (parallel apply), and native logical
# replication, each catching up the same kind of pgbench backlog written while it was stopped:
#   tpcb      pgbench's TPC-B-like transaction (every one updates one of SCALE branches: little to parallelize)
#   disjoint  each transaction updates one random account and logs it (clients touch different rows)
#   hot       every transaction updates one of the same 10 tellers (parallelism must not reorder them)
# After each godwit catch-up the target is compared with the source (row counts and sums of every table).
#
# usage: scripts/bench/cdc-parallel.sh [SCALE] [SECONDS] [CLIENTS] [LANES] [WORKLOADS...]
#        (defaults 10, 20, 4, 4, all three workloads)
# needs: apt-get install postgresql-15; Java 17 and Maven for godwit.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCALE=${1:-10}; SECS=${2:-20}; CLIENTS=${3:-4}; LANES=${4:-4}; shift $(( $# < 4 ? $# : 4 ))
WORKLOADS=${*:-tpcb disjoint hot}; DB=cdcpar
export PATH=/usr/lib/postgresql/15/bin:$PATH
S="-h 127.0.0.1 -p 55432 -U postgres"; T="-h 127.0.0.1 -p 55433 -U postgres"
work=$(mktemp -d /tmp/godwit-cdcpar.XXXX)
. "$root/scripts/bench/pgbench-lab.sh"

cat >"$work/disjoint.sql" <<'SQL'
\set aid random(1, 100000 * :scale)
\set delta random(-5000, 5000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, :delta, CURRENT_TIMESTAMP);
END;
SQL
cat >"$work/hot.sql" <<'SQL'
\set tid random(1, 10)
\set delta random(-5000, 5000)
UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
SQL

backlog() { # $1 workload, $2 label; prints the source WAL position at the end of the backlog
  local h0 script=(); h0=$(psql $S "$DB" -Atc "select xact_commit from pg_stat_database where datname = '$DB'")
  [ "$1" = tpcb ] || script=(-f "$work/$1.sql")
  pgbench $S -c "$CLIENTS" -j 2 -T "$SECS" -n "${script[@]}" "$DB" >"$work/pgbench-$2.log" 2>&1
  grep -Eo 'number of transactions actually processed: [0-9]+' "$work/pgbench-$2.log" | grep -Eo '[0-9]+$' >"$work/tx-$2"
  psql $S "$DB" -Atc "select pg_current_wal_lsn()"
}

# the same row counts and sums on both sides
compare() {
  local q="select (select count(*) || ':' || sum(abalance) from pgbench_accounts) || '/' ||
                  (select count(*) || ':' || sum(tbalance) from pgbench_tellers) || '/' ||
                  (select count(*) || ':' || sum(bbalance) from pgbench_branches) || '/' ||
                  (select count(*) || ':' || sum(delta) from pgbench_history)"
  [ "$(psql $S "$DB" -Atc "$q")" = "$(psql $T "$DB" -Atc "$q")" ] && echo equal || echo DIFFERENT
}

run_godwit() { # $1 workload, $2 lanes
  local label="$1-godwit$2"
  fresh_source godwit_cdcpar nat_par; fresh_target
  write_task cdcpar
  printf '  cdc:\n    applyParallelism: %s\n' "$2" >>"$work/task.yaml"
  godwit_catch_up "$label" godwit_cdcpar backlog "$1" "$label"
  echo "$TOOK $(compare)" >"$work/result-$label"
}

run_native() { # $1 workload
  local label="$1-native"
  fresh_source godwit_cdcpar nat_par; fresh_target
  native_catch_up nat_par backlog "$1" "$label"
  echo "$TOOK $(compare)" >"$work/result-$label"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for w in $WORKLOADS; do
  run_godwit "$w" 1; run_godwit "$w" "$LANES"; run_native "$w"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-9s %-10s %8s %9s %8s  %s\n' workload consumer txns seconds "txn/s" "vs native"
for w in $WORKLOADS; do
  read -r n_sec _ <"$work/result-$w-native"; n_rate=$(echo "$(cat "$work/tx-$w-native") / $n_sec" | bc -l)
  for c in godwit1 "godwit$LANES" native; do
    read -r sec eq <"$work/result-$w-$c"; tx=$(cat "$work/tx-$w-$c"); rate=$(echo "$tx / $sec" | bc -l)
    printf '%-9s %-10s %8d %9.1f %8.0f  %.2fx %s\n' "$w" "$c" "$tx" "$sec" "$rate" "$(echo "$rate / $n_rate" | bc -l)" "${eq:-}"
  done
done
echo "(logs in $work)"
