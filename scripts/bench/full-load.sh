#!/usr/bin/env bash
# godwit's full load beside its peers, on the same generated source database, with the same parallelism, in one run:
# pg_dump | pg_restore, a raw parallel COPY pipe, pgcopydb clone, native logical replication's initial sync.
# Each method starts from an empty target database and ends with data, keys and indexes in place; row counts are
# checked against the source. Each method runs RUNS times (default 2), the methods alternating; prints every time,
# then the medians and each one's ratio to godwit's. Both servers are checkpointed before every run, so that the
# writes of the source's generation or of the run before are not flushed inside the next one.
#
# usage: scripts/bench/full-load.sh [SCALE] [JOBS]   (SCALE: pgbench scale, default 100 ≈ 1.5 GB, plus a table of
#        wide text/jsonb rows ≈ 0.5 GB; JOBS: parallel streams for every tool, default 2)
#        METHODS="godwit raw" picks methods; RUNS=3 runs each three times
# needs: apt-get install postgresql-15 pgcopydb; Java 17 and Maven for godwit.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCALE=${1:-100}; JOBS=${2:-2}; RUNS=${RUNS:-2}; DB=bench_s$SCALE   # one database per scale: an existing one is reused as is
export PATH=/usr/lib/postgresql/15/bin:$PATH
S="-h 127.0.0.1 -p 55432 -U postgres"; T="-h 127.0.0.1 -p 55433 -U postgres"
SRC="postgresql://postgres@127.0.0.1:55432/$DB"; TGT="postgresql://postgres@127.0.0.1:55433/$DB"
work=$(mktemp -d /tmp/godwit-bench.XXXX); chmod 755 "$work"

"$root/scripts/bench/lab.sh" up
(cd "$root" && mvn -B -q -DskipTests package) || exit 1

if [ "$(psql $S -Atc "select count(*) from pg_database where datname = '$DB'" postgres)" = 0 ]; then
  echo "generating the source: pgbench scale $SCALE and a table of wide rows"
  psql $S -qc "CREATE DATABASE $DB" postgres
  pgbench $S -i -q -s "$SCALE" "$DB" >/dev/null 2>&1
  psql $S -q "$DB" <<SQL
CREATE TABLE docs (id bigint PRIMARY KEY, title text NOT NULL, body text, meta jsonb, created timestamptz NOT NULL);
INSERT INTO docs SELECT g, 'document ' || g, repeat(md5(g::text), 20 + g % 20),
       jsonb_build_object('author', 'a' || g % 1000, 'tags', jsonb_build_array('x' || g % 7, 'y' || g % 11), 'n', g),
       timestamptz '2025-01-01' + g * interval '1 second'
FROM generate_series(1, 250000 * $SCALE / 100) g;
CREATE INDEX docs_created ON docs (created);
VACUUM ANALYZE;
SQL
fi
SIZE=$(psql $S -Atc "select pg_size_pretty(pg_database_size('$DB'))" postgres)
counts() { psql "$1" -Atc "select string_agg(format('%s=%s', c.relname, (xpath('/row/n/text()', query_to_xml(format('select count(*) n from %I.%I', n.nspname, c.relname), false, true, '')))[1]::text), ' ' order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and n.nspname = 'public'"; }
EXPECTED=$(counts "$SRC")
fresh() { psql $T -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres; psql $T -qc "CREATE DATABASE $DB" postgres
  psql $T -qc CHECKPOINT postgres; psql $S -qc CHECKPOINT postgres; }
drop_slot() { for _ in $(seq 300); do a=$(psql $S "$DB" -Atc "select active from pg_replication_slots where slot_name = '$1'")
    [ -z "$a" ] && return 0; [ "$a" = f ] && psql $S "$DB" -qc "select pg_drop_replication_slot('$1')" >/dev/null 2>&1 && return 0; sleep 0.1; done; }

cat >"$work/mappings.json" <<'JSON'
{"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
JSON
cat >"$work/task.yaml" <<YAML
name: bench
source:
  url: $SRC
target:
  url: $TGT
type: full-load
tableMappings: mappings.json
settings:
  parallelism: $JOBS
YAML

declare -A took  # method -> its times, one per line
run() { # name run command...
  local name=$1 r=$2; shift 2; fresh; local t0; t0=$(date +%s.%N)
  if ! "$@" >"$work/$name-$r.log" 2>&1; then echo "$name failed; see $work/$name-$r.log"; tail -5 "$work/$name-$r.log"; return; fi
  local t1 t; t1=$(date +%s.%N); t=$(echo "$t1 - $t0" | bc); took[$name]+="$t"$'\n'
  local got; got=$(counts "$TGT"); local ok=counts-match; [ "$got" = "$EXPECTED" ] || ok=COUNT-MISMATCH
  printf '%-16s run %d %7.1f s  [%s]\n' "$name" "$r" "$t" "$ok"
}
median() { sort -g | awk 'NF{v[++n]=$1} END{print (n % 2) ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2}'; }
godwit() { "$root/scripts/godwit" start "$work/task.yaml"; }  # as a user runs it, JVM flags included
dump() { rm -rf "$work/dump"; pg_dump $S -Fd -j "$JOBS" -f "$work/dump" "$DB" && pg_restore $T -j "$JOBS" -d "$DB" "$work/dump"; }
raw() {
  pg_dump $S --section=pre-data "$DB" | psql $T -q "$DB" >/dev/null &&
  psql $S "$DB" -Atc "select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and n.nspname = 'public' order by pg_relation_size(c.oid) desc" |
    xargs -P "$JOBS" -I{} sh -c "psql $S $DB -c 'COPY {} TO STDOUT (FORMAT binary)' | psql $T $DB -c 'COPY {} FROM STDIN (FORMAT binary)' >/dev/null" &&
  pg_dump $S --section=post-data -Fc "$DB" >"$work/post.dump" && pg_restore $T -j "$JOBS" -d "$DB" "$work/post.dump"; }
pgcopydb_clone() { rm -rf "$work/pgcopydb"; pgcopydb clone --source "$SRC" --target "$TGT" --table-jobs "$JOBS" --index-jobs "$JOBS" --dir "$work/pgcopydb" --no-owner; }
native() {
  pg_dump $S --schema-only "$DB" | psql $T -q "$DB" >/dev/null &&
  psql $S "$DB" -qc "DROP PUBLICATION IF EXISTS bench_pub; CREATE PUBLICATION bench_pub FOR ALL TABLES" &&
  psql $T "$DB" -qc "CREATE SUBSCRIPTION bench_sub CONNECTION 'host=127.0.0.1 port=55432 user=postgres dbname=$DB' PUBLICATION bench_pub WITH (binary = true)" &&
  until [ "$(psql $T "$DB" -Atc "select count(*) from pg_subscription_rel where srsubstate <> 'r'")" = 0 ]; do sleep 0.2; done
  local rc=$?
  psql $T "$DB" -qc "ALTER SUBSCRIPTION bench_sub DISABLE; ALTER SUBSCRIPTION bench_sub SET (slot_name = NONE); DROP SUBSCRIPTION bench_sub"
  drop_slot bench_sub; psql $S "$DB" -qc "DROP PUBLICATION bench_pub"; return $rc; }

echo "source $SIZE ($EXPECTED), $JOBS parallel streams everywhere, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$RUNS"); do
  for m in ${METHODS:-godwit dump raw pgcopydb_clone native}; do run "$m" "$r" "$m"; done
done
echo
declare -A med
printf '%-16s %9s %14s\n' method "median s" "vs godwit"
for m in ${METHODS:-godwit dump raw pgcopydb_clone native}; do
  [ -n "${took[$m]:-}" ] || continue
  med[$m]=$(printf '%s' "${took[$m]}" | median)
done
for m in ${METHODS:-godwit dump raw pgcopydb_clone native}; do
  [ -n "${med[$m]:-}" ] || continue
  printf '%-16s %9.1f %13.2fx\n' "$m" "${med[$m]}" "$(echo "${med[$m]} / ${med[godwit]:-1}" | bc -l)"
done
echo "(medians of $RUNS runs; ratios above 1 mean the peer took longer than godwit; load average now"
echo " $(cut -d' ' -f1-3 /proc/loadavg); logs in $work)"
