#!/usr/bin/env bash
# Graft against PyTorch (Debian's python3-torch) on this machine, in one run, with the same
# thread count: prints ONE markdown table of images/s, the ratio Graft/PyTorch and peak RSS.
# Each workload runs Graft and PyTorch alternately REPEATS times and keeps each side's best
# run, so a burst of load from other processes hurts neither side more than the other.
# Usage: bench/compare-pytorch.sh [THREADS] [ITERATIONS] [REPEATS]
#   ITERATIONS: timed batches per model run (default 10); the data pipeline runs ITERATIONS
#   seconds, frozen-backbone training 10 epochs of 200 images. Takes ~10 min with defaults.
# TORCH_ENV="OMP_WAIT_POLICY=PASSIVE" runs the PyTorch side with the OpenMP wait policy Graft
# sets for itself (dev.graft.nn.NativeTuning), to separate that setting from the rest.
# TORCH_CHANNELS_LAST=1 runs the PyTorch models in torch.channels_last (Graft's default layout;
# PyTorch's default and the tutorials' is NCHW), to separate the layout from the rest.
# After the table: this machine's fp32 peak (bench/FmaPeak.java) and the share of it a resnet18
# training step reaches.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
iters=${2:-10}
repeats=${3:-2}
py=/usr/bin/python3
jpegs=${GRAFT_BENCH_JPEGS:-/tmp/graft-bench-jpegs}
bin/graft --help >/dev/null   # build first, outside the timings
[ -d "$jpegs" ] || $py bench/make-bench-jpegs.py "$jpegs" 200 >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

field() { sed -n "s/.*\"$1\": *\([0-9.eE+-]*\).*/\1/p" | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b > a) ? b : a }'; }

# row LABEL KEY "graft args" "python command"; KEY is the JSON field compared; leaves the
# best values in g_best and p_best, Graft's last JSON in g_last
row() {
  local label=$1 key=$2 gargs=$3 pcmd=$4 g p gi="" pi="" gm="" pm=""
  for _ in $(seq "$repeats"); do
    g=$(bin/graft --threads "$threads" -q bench $gargs --json)
    p=$(env ${TORCH_ENV:-GRAFT_BENCH=1} $pcmd)
    gi=$(best "$gi" "$(echo "$g" | field "$key")"); pi=$(best "$pi" "$(echo "$p" | field "$key")")
    gm=$(best "$gm" "$(echo "$g" | field peak_rss_mb)"); pm=$(best "$pm" "$(echo "$p" | field peak_rss_mb)")
  done
  printf "| %s | %.1f | %.1f | %s | %s | %s |\n" "$label" "$gi" "$pi" "$(ratio "$gi" "$pi")" "$gm" "$pm"
  g_best=$gi p_best=$pi g_last=$g
}
torch_layout=${TORCH_CHANNELS_LAST:+--channels-last}
torch_layout_name=${TORCH_CHANNELS_LAST:+channels_last}
torch_layout_name=${torch_layout_name:-nchw (its default)}
model() { # label arch mode batch size [precision]
  local precision=${6:-fp32}
  row "$1" images_per_second "--arch $2 --mode $3 --batch-size $4 --image-size $5 --iterations $iters --precision $precision" \
    "$py bench/pytorch_bench.py --arch $2 --mode $3 --batch-size $4 --image-size $5 --iterations $iters --threads $threads --precision $precision $torch_layout"
}

echo "| workload | Graft img/s | PyTorch img/s | Graft/PyTorch | Graft peak RSS MB | PyTorch peak RSS MB |"
echo "|---|---|---|---|---|---|"
model "resnet18 train 224px b16" resnet18 train 16 224
train_g=$g_best train_p=$p_best
# GFLOP per image as graft bench counts it (torchvision's published cost, a train step = 3 forwards)
train_flop=$(awk -v f="$(echo "$g_last" | field gflop_per_second)" -v i="$(echo "$g_last" | field images_per_second)" \
  'BEGIN { print f / i }')
model "resnet18 infer 224px b16" resnet18 infer 16 224
model "resnet18 train 64px b64" resnet18 train 64 64
model "resnet18 infer 64px b64" resnet18 infer 64 64
model "mobilenet_v3_small infer 224px b16" mobilenet_v3_small infer 16 224
model "efficientnet_b0 infer 224px b16" efficientnet_b0 infer 16 224
model "resnet18 infer 224px b16, bf16 (both sides)" resnet18 infer 16 224 bf16
row "data pipeline 224px, $threads workers (img per CPU-second)" images_per_cpu_second \
  "--mode data --data $jpegs --workers $threads --batch-size 32 --seconds $iters" \
  "$py bench/data-vs-torchvision.py $jpegs --workers $threads --batch-size 32 --seconds $iters"
row "resnet18 frozen backbone, 200 img x 10 epochs (feature cache vs recompute)" images_per_second \
  "--mode frozen --arch resnet18 --samples 200 --epochs 10 --batch-size 16" \
  "$py bench/pytorch_frozen.py --arch resnet18 --samples 200 --epochs 10 --batch-size 16 --threads $threads"
echo
peak=$(java --add-modules jdk.incubator.vector bench/FmaPeak.java "$threads" 2>/dev/null | field fp32_peak_gflop_per_second)
awk -v g="$train_g" -v p="$train_p" -v peak="$peak" -v f="$train_flop" 'BEGIN {
  printf "fp32 peak (FMA probe, bench/FmaPeak.java): %.0f GFLOP/s; resnet18 train step 224px b16: " \
    "Graft %.0f GFLOP/s = %.0f%% of peak, PyTorch %.0f GFLOP/s = %.0f%%\n", peak, g * f, 100 * g * f / peak, p * f, 100 * p * f / peak }'
echo
echo "threads: $threads, iterations: $iters, PyTorch env: ${TORCH_ENV:-default}, PyTorch layout: $torch_layout_name, best of $repeats alternating runs each, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores;" \
  "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
