#!/usr/bin/env bash
# Whole applications: every schema of the corpus (../shared/corpus beside the clone, or CORPUS=dir) through a
# full-load-and-cdc task (after `godwit preflight --fix`), then, while CDC runs, a change on every table and the
# application's own workload (orchestrator/src/test/resources/corpus/workload/NAME.sql: inserts through identity
# columns and defaults, updates that fire its triggers, key changes and deletes that cascade, rows in partitions and
# RLS tables), a fenced cutover, `godwit validate --content`, and the application's smoke script
# (.../corpus/smoke/NAME.sql) on both sides, on the benchmark lab's pair of servers (scripts/bench/lab.sh:
# PostgreSQL 15 → 15). Prints one line per schema:
#   name  start  cdc  cutover  validate  smoke  schema-diff
# where smoke is `same` when the smoke script printed the same on source and target (`differ` otherwise, `-` when the
# schema has none), and schema-diff counts the lines in which `pg_dump --schema-only` of source and target differ
# (godwit's control schema left out; comments, SET lines, pg_dump's \restrict lines and blank lines dropped). Logs,
# dumps and diffs stay in the printed directory. docs/testing.md says what the test suite's subset covers.
#
# usage: scripts/corpus.sh [NAME ...]     (default: every schema that has a load.sh)
# env:   APPLY_PARALLELISM=N applies the changes on N target connections (cdc.applyParallelism; default 1)
# needs: apt-get install postgresql-15 (server, psql, pg_dump); Java 17 and Maven for godwit.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS=${CORPUS:-$root/../shared/corpus}
export PATH=/usr/lib/postgresql/15/bin:$PATH
S="-h 127.0.0.1 -p 55432 -U postgres"; T="-h 127.0.0.1 -p 55433 -U postgres"
work=$(mktemp -d /tmp/godwit-corpus.XXXX)
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS (set CORPUS=dir)" >&2; exit 2; }
"$root/scripts/bench/lab.sh" up >/dev/null
(cd "$root" && mvn -B -q -DskipTests package) || exit 1
godwit() { "$root/scripts/godwit" "$@"; }
scripts="$root/orchestrator/src/test/resources/corpus"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for d in "$CORPUS"/*/; do [ -x "$d/load.sh" ] && names+=("$(basename "$d")"); done
fi

# the cluster-wide roles the source's GRANTs name must exist on the target before its schema is applied
copy_roles() {
  psql $S -Atc "select rolname from pg_roles where rolname !~ '^pg_' and rolname <> 'postgres'" postgres |
    while read -r r; do
      psql $T -qc "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$r') THEN CREATE ROLE \"$r\"; END IF; END \$\$" postgres
    done
}

# one UPDATE of a few rows per table with a primary key, each column set to itself: a change that fires the
# application's triggers on the source and must arrive unchanged on the target
touch_every_table() {
  psql $S -X -q "$1" <<'SQL'
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT c.oid::regclass AS t, (SELECT quote_ident(a.attname) FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                   AND a.attidentity = '' ORDER BY a.attnum DESC LIMIT 1) AS col
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg_%' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
  LOOP
    IF r.col IS NOT NULL THEN
      BEGIN
        EXECUTE format('UPDATE %s SET %s = %s WHERE ctid IN (SELECT ctid FROM %s LIMIT 5)', r.t, r.col, r.col, r.t);
      EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'not touched: % (%)', r.t, SQLERRM;
      END;
    END IF;
  END LOOP;
END $$;
SQL
}

# psql as CorpusMigrationIT runs the corpus scripts: each statement echoed before its output, errors in place; read-write
# on the fenced source too (the fence is a database default a session may override)
run_script() { # url file output [stop-on-error]
  PGOPTIONS="-c default_transaction_read_only=off -c TimeZone=UTC -c DateStyle=ISO,YMD -c lc_messages=C" \
    psql -X -q -A -e -P null=NULL -v ON_ERROR_STOP="${4:-0}" -d "$1" -f "$2" >"$3" 2>&1
}

normalized_dump() { # url file
  pg_dump -s --exclude-schema=godwit --no-owner --no-privileges "$1" 2>/dev/null |
    grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog.set_config' -e '^\\restrict ' -e '^\\unrestrict ' -e '^$' >"$2"
}

printf '%-20s %-8s %-8s %-8s %-10s %-7s %s\n' schema start cdc cutover validate smoke schema-diff
for name in "${names[@]}"; do
  db="corpus_${name//-/_}"; dir="$work/$name"; mkdir -p "$dir"
  psql $S -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres 2>/dev/null
  psql $S -Atc "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = '$db'" postgres >/dev/null 2>&1
  psql $T -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres 2>/dev/null
  psql $S -qc "CREATE DATABASE $db" postgres; psql $T -qc "CREATE DATABASE $db" postgres
  if ! "$CORPUS/$name/load.sh" "postgresql://postgres@127.0.0.1:55432/$db" >"$dir/load.log" 2>&1; then
    printf '%-20s %s\n' "$name" "the corpus loader failed on the source (see $dir/load.log)"; continue
  fi
  copy_roles
  cat >"$dir/mappings.json" <<'JSON'
{"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
            "object-locator": {"schema-name": "%", "table-name": "%"}}]}
JSON
  cat >"$dir/task.yaml" <<YAML
name: ${db}
source:
  url: postgresql://postgres@127.0.0.1:55432/$db
target:
  url: postgresql://postgres@127.0.0.1:55433/$db
type: full-load-and-cdc
tableMappings: mappings.json
settings:
  parallelism: 2
  cdc:
    applyParallelism: ${APPLY_PARALLELISM:-1}
YAML
  # what a DBA does first: preflight, letting it set REPLICA IDENTITY FULL on tables without a key
  godwit preflight "$dir/task.yaml" --fix >"$dir/preflight.log" 2>&1
  godwit start "$dir/task.yaml" >"$dir/start.log" 2>&1 &
  pid=$!
  start=failed; cdc=-; cutover=-; validate=-; smoke=-
  for _ in $(seq 1 600); do
    grep -q "cdc: streaming slot" "$dir/start.log" && { start=ok; break; }
    kill -0 $pid 2>/dev/null || break
    sleep 0.5
  done
  if [ "$start" = ok ]; then
    src="postgresql://postgres@127.0.0.1:55432/$db"
    touch_every_table "$src" >"$dir/touch.log" 2>&1
    workload=ok
    if [ -f "$scripts/workload/$name.sql" ]; then
      run_script "$src" "$scripts/workload/$name.sql" "$dir/workload.log" 1 || workload=failed
    fi
    # the cutover's lag check waits for the applier to take all of it; a task that stopped on a change has ended
    if ! kill -0 $pid 2>/dev/null; then cdc=stopped; elif [ $workload = failed ]; then cdc=workload-failed; else cdc=ok; fi
    if godwit cutover "$dir/task.yaml" --fence >"$dir/cutover.log" 2>&1; then cutover=ok; else cutover=failed; fi
    psql $S -qc "ALTER DATABASE $db SET default_transaction_read_only = off" postgres
    godwit validate "$dir/task.yaml" --content >"$dir/validate.log" 2>&1
    case $? in 0) validate=equal ;; 4) validate=differ ;; *) validate=failed ;; esac
    if [ "$cutover" = ok ] && [ -f "$scripts/smoke/$name.sql" ]; then
      run_script "$src" "$scripts/smoke/$name.sql" "$dir/smoke-source.out"
      run_script "postgresql://postgres@127.0.0.1:55433/$db" "$scripts/smoke/$name.sql" "$dir/smoke-target.out"
      if diff "$dir/smoke-source.out" "$dir/smoke-target.out" >"$dir/smoke.diff"; then smoke=same; else smoke=differ; fi
    fi
  fi
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
  normalized_dump "postgresql://postgres@127.0.0.1:55432/$db" "$dir/source.sql"
  normalized_dump "postgresql://postgres@127.0.0.1:55433/$db" "$dir/target.sql"
  diff "$dir/source.sql" "$dir/target.sql" >"$dir/schema.diff"
  printf '%-20s %-8s %-8s %-8s %-10s %-7s %s\n' "$name" "$start" "$cdc" "$cutover" "$validate" "$smoke" \
    "$(grep -c '^[<>]' "$dir/schema.diff") lines"
done
echo "logs, dumps and diffs in $work"
