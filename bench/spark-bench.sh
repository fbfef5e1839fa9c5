#!/bin/sh
# Spark benchmark: images/s of `graft spark predict` in local[1] and local[2] against
# `graft predict` on the same JPEGs with the same model, one after the other; prints one
# table row per command with the load average around it (the machine may be shared).
# Usage: bench/spark-bench.sh [COUNT] [WORK_DIR]   (default 200 images in /tmp/graft-spark-bench)
#   The images are photo-like 500x375 JPEGs (bench/SparkBenchImages.java); the model is a
#   ResNet-18 run at the standard 256/224 preset, trained for one epoch from scratch on a few
#   of them (its accuracy is irrelevant here, its cost per image is ResNet-18's).
set -eu
cd "$(dirname "$0")/.."
COUNT=${1:-200}
WORK=${2:-/tmp/graft-spark-bench}
IMGS=$WORK/jpegs-$COUNT
RUN=$WORK/run
mkdir -p "$WORK"
[ -d "$IMGS" ] || java bench/SparkBenchImages.java "$IMGS" "$COUNT"
[ -f "$RUN/model.json" ] || bin/graft train "$IMGS" --arch resnet18 --weights none --strategy scratch \
  --epochs 1 --per-class 3 --val-split 0.2 --out "$RUN" >&2
bin/graft --version >/dev/null; bin/graft spark --version >/dev/null  # builds both, outside the timings

now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg; }
row() { # name seconds job_seconds load_before load_after
  awk -v n="$1" -v s="$2" -v j="$3" -v c="$COUNT" -v l0="$4" -v l1="$5" 'BEGIN {
    printf "| %-28s | %5d | %7.1f | %7.1f | %s | %s -> %s |\n", n, c, s, c / s, (j == "" ? "-" : sprintf("%.1f", c / j)), l0, l1 }'
}

echo "| command | images | wall s | images/s (wall) | images/s (job) | load average |"
echo "|---|---|---|---|---|---|"
l0=$(load); t0=$(now)
bin/graft predict --model "$RUN" --csv --topk 5 "$IMGS" > "$WORK/graft-predict.csv"
t1=$(now); row "graft predict (2 threads)" "$(awk -v a="$t0" -v b="$t1" "BEGIN { print b - a }")" "" "$l0" "$(load)"
for m in 1 2; do
  l0=$(load); t0=$(now)
  bin/graft spark predict --master "local[$m]" --model "$RUN" --overwrite --out "$WORK/spark-local$m" "$IMGS" \
    2> "$WORK/spark-local$m.log"
  t1=$(now)
  job=$(tr '\r' '\n' < "$WORK/spark-local$m.log" | sed -n 's/.*predict: [0-9]* images in \([0-9.]*\) s.*/\1/p')
  row "graft spark predict local[$m]" "$(awk -v a="$t0" -v b="$t1" "BEGIN { print b - a }")" "$job" "$l0" "$(load)"
done
