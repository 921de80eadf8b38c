#!/usr/bin/env bash
# CDC catch-up: godwit's applier beside native logical replication's apply worker, on the same kind of backlog:
# pgbench (TPC-B-like, 4 clients, SECONDS s) written while the consumer is stopped, then the consumer started and
# timed until it has applied everything up to the source's WAL position at the end of the backlog.
# RUNS times each (default 3), alternating. Prints each run's transactions/s, its start-up (until the first applied
# transaction showed: godwit's checkpoint, native's slot confirmation) and its rate after the start-up, the CPU each
# transaction cost on the
# source server (its walsender decoding), the target server (godwit's session, or native's apply worker) and godwit's
# JVM, then the medians and godwit's ratio to native. (A pgbench transaction changes 4 rows.)
#
# usage: scripts/bench/cdc.sh [SCALE] [SECONDS] [CLIENTS]   (defaults 10, 60, 4)
# env:   GODWIT_JAVA_OPTS for every godwit JVM; RESUME_JAVA_OPTS for the timed resume alone, e.g. to profile it:
#        RESUME_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/resume.jfr,settings=profile'
#        NATIVE=0 times godwit alone (while profiling); the ratio needs both; RUNS=1 for a quick look
# needs: apt-get install postgresql-15; Java 17 and Maven for godwit.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCALE=${1:-10}; SECS=${2:-60}; CLIENTS=${3:-4}; RUNS=${RUNS:-3}; DB=cdcbench
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

# one run of each consumer: "txns seconds cpu_source cpu_target cpu_godwit startup" into $work/result-LABEL
run_godwit() {
  fresh_source godwit_cdcbench nat_sub; fresh_target
  write_task cdcbench
  godwit_catch_up "$1" godwit_cdcbench backlog "$1"
  echo "$(cat "$work/tx-$1") $TOOK $CPU $STARTUP" >"$work/result-$1"
  printf '%s: %d transactions, WAL %s, in %.1f s (start-up %.1f s)\n' "$1" "$(cat "$work/tx-$1")" "$BACKLOG" "$TOOK" "$STARTUP"
}
run_native() {
  fresh_source godwit_cdcbench nat_sub; fresh_target
  native_catch_up nat_sub backlog "$1"
  echo "$(cat "$work/tx-$1") $TOOK $CPU $STARTUP" >"$work/result-$1"
  printf '%s: %d transactions, WAL %s, in %.1f s (start-up %.1f s)\n' "$1" "$(cat "$work/tx-$1")" "$BACKLOG" "$TOOK" "$STARTUP"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$RUNS"); do
  run_godwit "godwit-$r"
  [ "${NATIVE:-1}" = 0 ] || run_native "native-$r"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# per run: txn/s (whole, and after the start-up) and the CPU microseconds each transaction cost on the source
# server, the target server and godwit
echo
printf '%-10s %8s %8s %9s %8s %9s   %s\n' run txns seconds "txn/s" start-up "after" "CPU us/txn: source target godwit total"
for f in "$work"/result-*; do
  read -r tx sec cs ct cg st <"$f"
  us() { echo "$1 * 1000000 / $tx" | bc -l; }
  printf '%-10s %8d %8.1f %9.0f %8.1f %9.0f   %10.0f %6.0f %6.0f %5.0f\n' "${f##*result-}" "$tx" "$sec" \
    "$(echo "$tx / $sec" | bc -l)" "$st" "$(echo "$tx / ($sec - $st)" | bc -l)" \
    "$(us "$cs")" "$(us "$ct")" "$(us "$cg")" "$(us "($cs + $ct + $cg)")"
done
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
median_rate() { # consumer -> median txn/s of its runs, whole
  for f in "$work"/result-"$1"-*; do read -r tx sec _ <"$f"; echo "$tx / $sec" | bc -l; done | median
}
median_after() { # consumer -> median txn/s of its runs after their start-up
  for f in "$work"/result-"$1"-*; do read -r tx sec _ _ _ st <"$f"; echo "$tx / ($sec - $st)" | bc -l; done | median
}
G_RATE=$(median_rate godwit); G_AFTER=$(median_after godwit)
echo
printf 'median of %d runs: godwit %.0f txn/s (%.0f after its start-up)' "$RUNS" "$G_RATE" "$G_AFTER"
if [ "${NATIVE:-1}" != 0 ]; then
  N_RATE=$(median_rate native); N_AFTER=$(median_after native)
  printf ', native %.0f txn/s (%.0f): godwit / native %.2fx (%.2fx after the start-ups)' "$N_RATE" "$N_AFTER" \
    "$(echo "$G_RATE / $N_RATE" | bc -l)" "$(echo "$G_AFTER / $N_AFTER" | bc -l)"
fi
echo "   (logs in $work)"
