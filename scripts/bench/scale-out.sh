#!/usr/bin/env bash
# godwit's full load spread over 'godwit worker' processes on this one host (docs/scale-out.md): the same source
# copied with 1, 2 and 3 worker processes of one thread each, the coordinator copying nothing itself. Prints, per run,
# the units, the copy's span (first unit begun to last unit committed, from the unit ledger), units/s and MB/s, and the
# wall time of the whole run (JVM starts, plan, schema, post-data and validation included). Then a content validation
# of the copy (chunks of 20,000 rows), compared by this process's one thread, and by 1, 2 and 3 worker processes of one
# thread each ('godwit validate --workers external --coordinator-threads 0'): chunks, wall time, chunks/s.
#
# usage: scripts/bench/scale-out.sh [SCALE] [SPLIT]   (SCALE: pgbench scale, default 10 ≈ 150 MB; SPLIT: the task's
#        splitThreshold, default 4MB)    env: LAB, SRC_PORT, TGT_PORT as for lab.sh (defaults apart from its own)
# needs: apt-get install postgresql-15; Java 17 and Maven for godwit.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCALE=${1:-10}; SPLIT=${2:-4MB}; DB=scaleout_s$SCALE
export LAB=${LAB:-/tmp/godwit-lab-scaleout} SRC_PORT=${SRC_PORT:-55532} TGT_PORT=${TGT_PORT:-55533}
export PATH=/usr/lib/postgresql/15/bin:$PATH
S="-h 127.0.0.1 -p $SRC_PORT -U postgres"; T="-h 127.0.0.1 -p $TGT_PORT -U postgres"
SRC="postgresql://postgres@127.0.0.1:$SRC_PORT/$DB"; TGT="postgresql://postgres@127.0.0.1:$TGT_PORT/$DB"
JAR="$root/orchestrator/target/godwit.jar"
work=$(mktemp -d /tmp/godwit-scaleout.XXXX); chmod 755 "$work"

"$root/scripts/bench/lab.sh" up
[ -f "$JAR" ] || (cd "$root" && mvn -B -q -o -DskipTests package) || exit 1
if [ "$(psql $S -Atc "select count(*) from pg_database where datname = '$DB'" postgres)" = 0 ]; then
  psql $S -qc "CREATE DATABASE $DB" postgres
  pgbench $S -i -q -s "$SCALE" "$DB" >/dev/null 2>&1
  psql $S -qc "VACUUM ANALYZE" "$DB"
fi
cat >"$work/mappings.json" <<'JSON'
{"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
JSON
cat >"$work/task.yaml" <<YAML
name: scaleout
source:
  url: $SRC
target:
  url: $TGT
type: full-load
tableMappings: mappings.json
settings:
  parallelism: 1
  splitThreshold: $SPLIT
  validation:
    threadCount: 1
    partitionSize: 20000
YAML

echo "source: $(psql $S -Atc "select pg_size_pretty(pg_database_size('$DB'))" postgres), splitThreshold $SPLIT"
printf '%-8s %6s %9s %8s %8s %9s\n' workers units "span s" units/s MB/s "wall s"
# "local": the default in-process load with one thread, for the cost of going through the cluster
for n in local 1 2 3; do
  psql $T -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres 2>/dev/null; psql $T -qc "CREATE DATABASE $DB" postgres
  t0=$(date +%s.%N)
  if [ "$n" = local ]; then
    "$root/scripts/godwit" start "$work/task.yaml" >"$work/local.log" 2>&1 || { echo "local run failed: $work/local.log"; exit 1; }
  else
    "$root/scripts/godwit" start "$work/task.yaml" --workers external --coordinator-threads 0 >"$work/coordinator-$n.log" 2>&1 &
    coordinator=$!
    until [ "$(psql $T -Atc "select to_regclass('godwit.worker') is not null" "$DB" 2>/dev/null)" = t ]; do sleep 0.2; done
    pids=()
    for i in $(seq "$n"); do
      "$root/scripts/godwit" worker "$work/task.yaml" --threads 1 >"$work/worker-$n-$i.log" 2>&1 & pids+=($!)
    done
    wait "$coordinator" || { echo "coordinator failed: $work/coordinator-$n.log"; tail -5 "$work/coordinator-$n.log"; exit 1; }
    for p in "${pids[@]}"; do wait "$p"; done
  fi
  t1=$(date +%s.%N)
  psql $T -Atc "select count(*), extract(epoch from max(copied_at) - min(copied_at - millis * interval '1 ms')),
                       sum(bytes_copied) from godwit.unit" "$DB" | {
    IFS='|' read -r units span bytes
    printf '%-8s %6s %9.1f %8.2f %8.1f %9.1f\n' "$n" "$units" "$span" "$(echo "$units / $span" | bc -l)" \
      "$(echo "$bytes / 1048576 / $span" | bc -l)" "$(echo "$t1 - $t0" | bc)"
  }
done

echo
printf '%-8s %6s %9s %9s\n' workers chunks "wall s" chunks/s
for n in local 1 2 3; do
  pids=()
  if [ "$n" = local ]; then
    args=()
  else
    args=(--workers external --coordinator-threads 0)
    for i in $(seq "$n"); do
      "$root/scripts/godwit" worker "$work/task.yaml" --threads 1 --until stopped >"$work/vworker-$n-$i.log" 2>&1 & pids+=($!)
    done
    until [ "$(psql $T -Atc "select count(*) from godwit.worker" "$DB")" = "$n" ]; do sleep 0.2; done
  fi
  t0=$(date +%s.%N)
  "$root/scripts/godwit" validate "$work/task.yaml" --content "${args[@]}" >"$work/validate-$n.log" 2>&1 \
    || { echo "validation failed: $work/validate-$n.log"; tail -5 "$work/validate-$n.log"; exit 1; }
  t1=$(date +%s.%N)
  for p in "${pids[@]}"; do kill -TERM "$p"; wait "$p"; done
  chunks=$(psql $T -Atc "select count(*) from godwit.validation_result
                         where run_id = (select max(id) from godwit.validation_run)" "$DB")
  printf '%-8s %6s %9.1f %9.1f\n' "$n" "$chunks" "$(echo "$t1 - $t0" | bc)" "$(echo "$chunks / ($t1 - $t0)" | bc -l)"
done
echo "logs: $work"
