#!/usr/bin/env bash
# Runs bench/RunLeak.java (see there): memory after each of RUNS short training runs in one JVM.
#   bench/run-leak.sh RUNS EPOCHS [SHOTS]     e.g. bench/run-leak.sh 10 3
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
[ -f graft-core/target/cp.txt ] || mvn -B -q -DskipTests -f graft-core/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
export OMP_WAIT_POLICY=PASSIVE
exec java -Dai.djl.offline=true ${PARTS:+-Dparts="$PARTS"} -cp "graft-core/target/classes:$(cat graft-core/target/cp.txt)" bench/RunLeak.java "$@"
