#!/usr/bin/env bash
# One huge source transaction through CDC with a small heap: runs CdcBigTransactionIT at the size of issue 20
# (5,000,000 inserted rows, then 1,000,000 updated, godwit with -Xmx256m) and prints the largest heap left in use
# after a garbage collection, from the JVM's own GC log.
#
# usage: scripts/bench/big-transaction.sh [ROWS] [HEAP]   (defaults 5000000, 256m)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROWS=${1:-5000000}; HEAP=${2:-256m}
cd "$root"
mvn -B -q install -DskipTests
mvn -B -pl orchestrator verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CdcBigTransactionIT \
    -Dgodwit.bigtx.rows="$ROWS" -Dgodwit.bigtx.heap="$HEAP" | grep -E "bigtx:|Tests run:|BUILD"
