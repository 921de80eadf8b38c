# Sourced by the CDC benchmarks: starts the lab's servers and builds godwit; the same pgbench database on the lab's
# source and an empty one on its target, a godwit task for it, and the timed catch-up of a backlog by godwit and by
# native logical replication. Expects root, DB, SCALE, work, S and T to be set (see cdc.sh).

"$root/scripts/bench/lab.sh" up
(cd "$root" && mvn -B -q -DskipTests package) || exit 1
now() { date +%s.%N; }
HZ=$(getconf CLK_TCK)
# user + system CPU ticks of process $1; with a second argument, those of the children it has reaped too
ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk -v all="${2:-}" '{print $12 + $13 + (all ? $14 + $15 : 0)}'; }
# CPU seconds used so far by a lab server ($1 = src or tgt): its postmaster, the backends it has reaped (one that
# ended during a measurement is counted there) and those alive
lab_cpu() {
  local pm t c; pm=$(head -1 "${LAB:-/tmp/godwit-lab}/$1/postmaster.pid"); t=$(ticks "$pm" all)
  for c in $(cat /proc/"$pm"/task/*/children); do t=$((t + $(ticks "$c" || echo 0))); done
  echo "scale=2; $t / $HZ" | bc
}

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
godwit() { "$root/scripts/godwit" "$@"; }  # as a user runs it, JVM flags included

# the WAL a slot still has to send up to $2, for the report
wal_behind() {
  psql $S -Atc "select pg_size_pretty(pg_wal_lsn_diff('$2', confirmed_flush_lsn)) from pg_replication_slots
                where slot_name = '$1'" postgres
}

# await_position "CONN" DB QUERY START END: polls QUERY (one pg_lsn) every 20 ms inside one server session until it
# reaches END, and prints two epoch times: when it first differed from START, and when it reached END. One session
# in a loop, not a psql process per poll: those cost a quarter of a core on a 2-core machine, taken from the catch-up
# being measured.
await_position() {
  psql $1 "$2" -qX -c "DO \$\$ DECLARE p pg_lsn; moved float8; BEGIN
    LOOP
      p := ($3);
      IF moved IS NULL AND p IS DISTINCT FROM '$4'::pg_lsn THEN moved := extract(epoch FROM clock_timestamp()); END IF;
      EXIT WHEN p >= '$5'::pg_lsn;
      PERFORM pg_sleep(0.02);
    END LOOP;
    RAISE NOTICE 'at % %', coalesce(moved, extract(epoch FROM clock_timestamp())), extract(epoch FROM clock_timestamp());
  END \$\$" 2>&1 | sed -n 's/.*NOTICE:  at //p'
}

# godwit_catch_up LABEL SLOT BACKLOG_COMMAND...: godwit loads $work/task.yaml and is stopped; the command writes a
# backlog and prints the source's WAL position at its end; godwit resumes and is timed until its checkpoint reaches
# that position. Sets TOOK (seconds), STARTUP (seconds until the first applied transaction showed in the checkpoint:
# the JVM's start, the plan read again, the stream opened, the first group), BACKLOG (the slot's WAL behind) and CPU
# (CPU seconds of the source server, the target server and godwit's JVM during the catch-up). RESUME_JAVA_OPTS go to
# the timed JVM alone.
godwit_catch_up() {
  local label=$1 slot=$2 end t0 t1 c0 moved s0 g0 jvm; shift 2
  godwit start "$work/task.yaml" >"$work/$label-start.log" 2>&1 &
  until grep -q "cdc: streaming slot" "$work/$label-start.log"; do sleep 0.5; done
  godwit stop "$work/task.yaml" >/dev/null; wait
  end=$("$@"); BACKLOG=$(wal_behind "$slot" "$end")
  c0=$(psql $T "$DB" -Atc "select lsn from godwit.checkpoint")
  s0=$(lab_cpu src); g0=$(lab_cpu tgt)
  t0=$(now); GODWIT_JAVA_OPTS="${GODWIT_JAVA_OPTS:-} ${RESUME_JAVA_OPTS:-}" "$root/scripts/godwit" resume "$work/task.yaml" >"$work/$label-resume.log" 2>&1 &
  jvm=$! # scripts/godwit execs java
  read -r moved t1 < <(await_position "$T" "$DB" "SELECT lsn FROM godwit.checkpoint" "$c0" "$end")
  STARTUP=$(echo "$moved - $t0" | bc); CPU="$(echo "$(lab_cpu src) - $s0" | bc) $(echo "$(lab_cpu tgt) - $g0" | bc) $(echo "scale=2; $(ticks $jvm) / $HZ" | bc)"
  godwit stop "$work/task.yaml" >/dev/null; wait
  TOOK=$(echo "$t1 - $t0" | bc)
}

# native_catch_up SUBSCRIPTION BACKLOG_COMMAND...: the source's schema and data on the target, a subscription
# created disabled; the command writes a backlog and prints the source's WAL position at its end; the subscription is
# enabled and timed until its slot confirmed that position, then dropped. Sets TOOK, STARTUP (until the slot's first
# confirmation moved), BACKLOG and CPU (source and target servers; the apply worker is part of the target's).
native_catch_up() {
  local sub=$1 end t0 t1 s0 g0 c0 moved; shift
  pg_dump $S "$DB" | psql $T -q "$DB" >/dev/null
  psql $S "$DB" -qc "CREATE PUBLICATION ${sub}_pub FOR ALL TABLES"
  psql $T "$DB" -qc "CREATE SUBSCRIPTION $sub CONNECTION 'host=127.0.0.1 port=55432 user=postgres dbname=$DB' PUBLICATION ${sub}_pub WITH (copy_data = false, enabled = false)" 2>/dev/null
  end=$("$@"); BACKLOG=$(wal_behind "$sub" "$end")
  s0=$(lab_cpu src); g0=$(lab_cpu tgt)
  local confirmed="SELECT coalesce(confirmed_flush_lsn, '0/0') FROM pg_replication_slots WHERE slot_name = '$sub'"
  c0=$(psql $S -Atc "$confirmed" postgres)
  t0=$(now); psql $T "$DB" -qc "ALTER SUBSCRIPTION $sub ENABLE"
  read -r moved t1 < <(await_position "$S" postgres "$confirmed" "$c0" "$end")
  STARTUP=$(echo "$moved - $t0" | bc); CPU="$(echo "$(lab_cpu src) - $s0" | bc) $(echo "$(lab_cpu tgt) - $g0" | bc) 0"
  TOOK=$(echo "$t1 - $t0" | bc)
  psql $T "$DB" -qc "ALTER SUBSCRIPTION $sub DISABLE; ALTER SUBSCRIPTION $sub SET (slot_name = NONE); DROP SUBSCRIPTION $sub"
  psql $S -Atc "select pg_drop_replication_slot('$sub')" postgres >/dev/null 2>&1
}
