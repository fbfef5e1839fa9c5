#!/usr/bin/env bash
# Graft against PyTorch on this machine, in one run, with the same thread count:
# prints one markdown table of images/s and the ratio Graft/PyTorch.
# Usage: bench/compare-pytorch.sh [THREADS] [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
iters=${2:-10}
py=/usr/bin/python3
bin/graft --help >/dev/null   # build first, outside the timings

field() { sed -n "s/.*\"$1\": *\([0-9.]*\).*/\1/p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "| workload | Graft img/s | PyTorch img/s | Graft/PyTorch | Graft peak RSS MB | PyTorch peak RSS MB |"
echo "|---|---|---|---|---|---|"
run() { # label arch mode batch size
  local g p
  g=$(bin/graft --threads "$threads" -q bench --arch "$2" --mode "$3" --batch-size "$4" --image-size "$5" \
      --iterations "$iters" --json)
  p=$($py bench/pytorch_bench.py --arch "$2" --mode "$3" --batch-size "$4" --image-size "$5" \
      --iterations "$iters" --threads "$threads")
  local gi pi
  gi=$(echo "$g" | field images_per_second); pi=$(echo "$p" | field images_per_second)
  printf "| %s | %.1f | %.1f | %s | %s | %s |\n" "$1" "$gi" "$pi" "$(ratio "$gi" "$pi")" \
    "$(echo "$g" | field peak_rss_mb)" "$(echo "$p" | field peak_rss_mb)"
}
run "resnet18 train 224px b16" resnet18 train 16 224
run "resnet18 infer 224px b16" resnet18 infer 16 224
run "resnet18 train 64px b64" resnet18 train 64 64
run "resnet18 infer 64px b64" resnet18 infer 64 64
if bin/graft models 2>/dev/null | grep -q mobilenet_v3_small; then
  run "mobilenet_v3_small infer 224px b16" mobilenet_v3_small infer 16 224
  run "efficientnet_b0 infer 224px b16" efficientnet_b0 infer 16 224
fi
echo
echo "threads: $threads, iterations: $iters, $(date -u +%Y-%m-%d), $(nproc) cores"
