#!/usr/bin/env bash
# Runs bench/AutoRecipe.java (see there and bench/auto-recipe.md) against the compiled classes:
#   bench/auto-recipe.sh SOURCE_CLASS_DIGITS SHOTS SEEDS CONFIG[,CONFIG...]   (SEEDS: a count, or a range such as 0-4)
# e.g. bench/auto-recipe.sh 01258 10 3 finetune_lr0.03_cos,auto
# THREADS (default 2) sets the torch threads; PLOT=prefix writes each finder sweep to prefix-seedN.png;
# SOURCE=FILE uses that source model (e.g. a graft train run's model.safetensors) instead of the bench's own.
# CURVE=1 prints each LR finder sweep (CURVE lines, read by auto-recipe-logs/1130c/sweep-noise.py).
# TTA=1 also prints each run's accuracy with flip test-time augmentation (tta in the line).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
[ -f graft-core/target/cp.txt ] || mvn -B -q -DskipTests -f graft-core/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
export OMP_WAIT_POLICY=PASSIVE
exec java -Dai.djl.offline=true -Dthreads="${THREADS:-2}" ${PLOT:+-Dplot="$PLOT"} ${SOURCE:+-Dsource="$SOURCE"} ${CURVE:+-Dcurve=1} ${TTA:+-Dtta=1} -cp "graft-core/target/classes:$(cat graft-core/target/cp.txt)" bench/AutoRecipe.java "$@"
