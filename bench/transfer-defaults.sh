#!/usr/bin/env bash
# Runs bench/TransferDefaults.java (see there) against the compiled classes:
#   bench/transfer-defaults.sh SOURCE_CLASS_DIGITS PRE_EPOCHS PER_CLASS SEEDS CONFIG[,CONFIG...]
# e.g. bench/transfer-defaults.sh 01234 3 1500 3 scratch,head,partial_layer4,finetune
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
[ -f graft-core/target/cp.txt ] || mvn -B -q -DskipTests -f graft-core/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
export OMP_WAIT_POLICY=PASSIVE
exec java -Dai.djl.offline=true -cp "graft-core/target/classes:$(cat graft-core/target/cp.txt)" bench/TransferDefaults.java "$@"
