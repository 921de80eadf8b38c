#!/usr/bin/env bash
# Makes docs/dashboard.svg: a real godwit run with its metrics scraped every second, then the dashboard drawn from
# the scrapes by scripts/dashboard-picture.py (the dashboard's own layout and queries; not a Grafana screenshot).
# The run: a full-load-and-cdc task over a pgbench database (SCALE, default 20) on scripts/bench/lab.sh's servers,
# pgbench (2 clients, 200 transactions/s) writing during the full load and CDC, `godwit validate` after CDC_SECONDS
# (default 240) of streaming, and `godwit cutover --fence` 90 s later, which ends the run (the dashboard's [5m] rates
# need 5 minutes of samples). The fence is lifted and the database dropped on both servers afterwards. About 8 min.
#
# usage: scripts/dashboard-picture.sh [OUT.svg]     (default docs/dashboard.svg; the scrapes are kept beside it as
#        OUT.samples.jsonl.gz, from which scripts/dashboard-picture.py render draws it again)
# env:   SCALE, CDC_SECONDS, PORT (metrics port, default 19187), DB (default dashpic), KEEP=1 keeps the databases
# needs: apt-get install postgresql-15 (server and pgbench); Java 17 and Maven for godwit; python3.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/docs/dashboard.svg}
SCALE=${SCALE:-20}; CDC_SECONDS=${CDC_SECONDS:-240}; PORT=${PORT:-19187}; DB=${DB:-dashpic}
export PATH=/usr/lib/postgresql/15/bin:$PATH PGOPTIONS="-c client_min_messages=warning"
S="-h 127.0.0.1 -p 55432 -U postgres"; T="-h 127.0.0.1 -p 55433 -U postgres"
work=$(mktemp -d /tmp/godwit-dashpic.XXXX)
echo "dashboard-picture: logs and samples in $work" >&2

"$root/scripts/bench/lab.sh" up 2>/dev/null  # servers already up make pg_ctl complain
godwit() { "$root/scripts/godwit" "$@"; }  # builds the jar first when a source is newer
godwit --help >/dev/null

psql $S -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres
psql $S -Atc "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = '$DB'" \
  postgres >/dev/null
psql $S -qc "CREATE DATABASE $DB" postgres
pgbench $S -i -q -s "$SCALE" "$DB" >"$work/pgbench-init.log" 2>&1
# pgbench_history has no key: give it one so that its rows have an identity and a sequence to hand over
psql $S -q "$DB" -c "ALTER TABLE pgbench_history ADD COLUMN id bigserial PRIMARY KEY"
psql $T -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres
psql $T -qc "CREATE DATABASE $DB" postgres

cat >"$work/mappings.json" <<'JSON'
{"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
            "object-locator": {"schema-name": "public", "table-name": "%"}}]}
JSON
cat >"$work/task.yaml" <<YAML
name: $DB
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
  metrics:
    interval: 1s
YAML

python3 "$root/scripts/dashboard-picture.py" record "http://127.0.0.1:$PORT/metrics" "$work/samples.jsonl.gz" \
  --until "$work/recorded" 2>"$work/record.log" &
recorder=$!
# pgbench runs until the fence ends its sessions (it then reports them aborted, which is expected)
pgbench $S -n -c 2 -j 1 -R 200 -T 3600 "$DB" >"$work/pgbench.log" 2>&1 &
writer=$!
godwit start "$work/task.yaml" --metrics-port "$PORT" >"$work/start.log" 2>&1 &
run=$!
trap 'kill $recorder $writer $run 2>/dev/null || true' EXIT
until grep -q "cdc: streaming slot" "$work/start.log"; do
  kill -0 $run 2>/dev/null || { echo "godwit ended before CDC: $work/start.log" >&2; exit 1; }
  sleep 1
done
sleep "$CDC_SECONDS"
godwit validate "$work/task.yaml" >"$work/validate.log" 2>&1 || true
sleep 90
if ! godwit cutover "$work/task.yaml" --fence >"$work/cutover.log" 2>&1; then
  echo "dashboard-picture: the cutover failed ($work/cutover.log); stopping the task" >&2
  godwit stop "$work/task.yaml" >/dev/null || true
fi
wait $run || true
touch "$work/recorded"
kill $writer 2>/dev/null || true
wait $writer || true
wait $recorder
psql $S -qc "ALTER DATABASE $DB RESET default_transaction_read_only" postgres
if [ "${KEEP:-0}" != 1 ]; then
  psql $S -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres
  psql $T -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres
fi
cp "$work/samples.jsonl.gz" "${out%.svg}.samples.jsonl.gz"
python3 "$root/scripts/dashboard-picture.py" render "${out%.svg}.samples.jsonl.gz" "$out"
echo "dashboard-picture: wrote $out and its scrapes ${out%.svg}.samples.jsonl.gz" >&2
