#!/usr/bin/env bash
# Runs bench/ServeLoad.java (see there) against the compiled classes and writes bench/serve.md:
#   bench/serve-load.sh [REQUESTS_PER_POINT] [SECONDS_PER_POINT]     (defaults 3000 and 20)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -B -q -o -DskipTests -f graft-core/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
export OMP_WAIT_POLICY=PASSIVE
exec java -Dai.djl.offline=true -cp "graft-core/target/classes:$(cat graft-core/target/cp.txt)" bench/ServeLoad.java "$@"
