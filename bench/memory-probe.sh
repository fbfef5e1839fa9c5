#!/usr/bin/env bash
# Runs bench/MemoryProbe.java (see there): one JVM per architecture, each appending
# "arch,train_bytes_per_image,eval_bytes_per_image" (224 px) to the table dev.graft.nn.MemoryEstimate reads.
# Every large allocation is mmapped (MALLOC_MMAP_THRESHOLD_), so RSS follows the live tensors and
# freed memory kept by malloc cannot hide growth.
#   bench/memory-probe.sh [ARCH...]     (default: every zoo architecture)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
[ -f graft-core/target/cp.txt ] || mvn -B -q -DskipTests -f graft-core/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
table=graft-core/src/main/resources/dev/graft/nn/activation-memory.csv
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(resnet18 resnet34 resnet50 vgg16 vgg16_bn densenet121 mobilenet_v2 mobilenet_v3_large mobilenet_v3_small efficientnet_b0)
tmp=$(mktemp)
printf '# activation bytes per image at 224 px: arch,train,eval (bench/memory-probe.sh, %s, %s cores)\n' "$(date -u +%F)" "$(nproc)" > "$tmp"
for a in "${archs[@]}"; do
  MALLOC_MMAP_THRESHOLD_=65536 java -Dai.djl.offline=true -cp "graft-core/target/classes:$(cat graft-core/target/cp.txt)" bench/MemoryProbe.java "$tmp" "$a"
done
mv "$tmp" "$table"
cat "$table"
