# Sourced by the CDC benchmarks: the same pgbench database on the lab's source and an empty one on its target, and a
# godwit task for it. Expects root, DB, SCALE, work, S and T to be set (see cdc.sh).

# a fresh pgbench database on the source; slots of that database, and the slots named as arguments, are dropped
fresh_source() {
  local slots; slots=$(printf ",'%s'" "$@"); slots=${slots#,}
  psql $S -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres
  psql $S -Atc "select pg_drop_replication_slot(slot_name) from pg_replication_slots
                where database = '$DB' ${slots:+or slot_name in ($slots)}" postgres >/dev/null
  psql $S -qc "CREATE DATABASE $DB" postgres
  pgbench $S -i -q -s "$SCALE" "$DB" >/dev/null 2>&1
  # pgbench_history has no key: give it one so that both consumers can apply its rows the same way
  psql $S -q "$DB" -c "ALTER TABLE pgbench_history ADD COLUMN id bigserial PRIMARY KEY"
}

fresh_target() { psql $T -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres; psql $T -qc "CREATE DATABASE $DB" postgres; }

# writes $work/task.yaml: a full-load-and-cdc task NAME over every table of the pgbench database. The automatic
# validation is off: it holds the applier once while it compares, which the peers do not do, and whether it finishes
# before the benchmark's first stop (or is done again inside the timed catch-up) depended on the machine's speed.
write_task() {
  cat >"$work/mappings.json" <<'JSON'
{"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
JSON
  cat >"$work/task.yaml" <<YAML
name: $1
source:
  url: postgresql://postgres@127.0.0.1:55432/$DB
target:
  url: postgresql://postgres@127.0.0.1:55433/$DB
type: full-load-and-cdc
tableMappings: mappings.json
settings:
  parallelism: 2
  validation:
    enabled: false
YAML
}

# GODWIT_JAVA_OPTS goes to every godwit JVM, as scripts/godwit passes it (e.g. a heap size)
godwit() { java ${GODWIT_JAVA_OPTS:-} -jar "$root/orchestrator/target/godwit.jar" "$@"; }
