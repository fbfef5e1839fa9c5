#!/bin/sh
# Spark benchmark: images/s of `graft spark predict` in local[1] and local[2] against
# `graft predict` on the same JPEGs with the same model, one after the other; prints one
# table row per command with the load average around it (the machine may be shared).
# Usage: [ROUNDS=3] bench/spark-bench.sh [COUNT] [WORK_DIR]   (default 200 images in /tmp/graft-spark-bench)
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

ROUNDS=${ROUNDS:-3}
# one timed command: appends "name wall cpu job load_before load_after peak_rss_mb" to $WORK/times
timed() {
  name=$1; shift
  l0=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2> "$WORK/err.txt"
  job=$(tr '\r' '\n' < "$WORK/err.txt" | sed -n 's/.*predict: [0-9]* images in \([0-9.]*\) s.*/\1/p')
  echo "$name $(awk '{ print $1, $2 + $3 }' "$WORK/time.txt") ${job:--} $l0 $(cut -d' ' -f1 /proc/loadavg) $(awk '{ print int($4 / 1024) }' "$WORK/time.txt")" >> "$WORK/times"
}
: > "$WORK/times"
# interleaved rounds, so a change in the machine's load hits every command alike
for r in $(seq "$ROUNDS"); do
  timed graft-predict bin/graft predict --model "$RUN" --csv --topk 5 "$IMGS"
  for m in 1 2; do
    timed "spark-local[$m]" bin/graft spark predict --master "local[$m]" --model "$RUN" --overwrite \
      --out "$WORK/spark-local$m" "$IMGS"
  done
done
# the fixed cost of each command (JVM, Spark, model load, output) on a few images, once
SMALL=$WORK/jpegs-8
[ -d "$SMALL" ] || java bench/SparkBenchImages.java "$SMALL" 8
timed fixed-graft-predict bin/graft predict --model "$RUN" --csv --topk 5 "$SMALL"
for m in 1 2; do
  timed "fixed-spark-local[$m]" bin/graft spark predict --master "local[$m]" --model "$RUN" --overwrite \
    --out "$WORK/spark-fixed$m" "$SMALL"
done
echo "| command | images | wall s (median of $ROUNDS) | images/s, wall | images/s, job only | images per CPU-second | load average during |"
echo "|---|---|---|---|---|---|---|"
for name in graft-predict "spark-local[1]" "spark-local[2]"; do
  grep "^$(echo "$name" | sed 's/\[/\\[/; s/\]/\\]/') " "$WORK/times" | awk -v c="$COUNT" -v n="$name" '
    { w[NR] = $2; cpu[NR] = $3; j[NR] = $4; l = l (l == "" ? "" : ", ") $5 "-" $6 }
    function median(a, k,   i, m, t) { for (i = 1; i <= k; i++) for (m = i + 1; m <= k; m++) if (a[m] < a[i]) { t = a[i]; a[i] = a[m]; a[m] = t } return a[int((k + 1) / 2)] }
    END { if (NR == 0) exit; mw = median(w, NR); mc = median(cpu, NR); mj = (j[1] == "-" ? "-" : sprintf("%.1f", c / median(j, NR)))
          printf "| %s | %d | %.1f | %.1f | %s | %.2f | %s |\n", n, c, mw, c / mw, mj, c / mc, l }'
done
echo
echo "raw (name wall_s cpu_s job_s load_before load_after peak_rss_mb; fixed-*: the same on 8 images):"
cat "$WORK/times"
