#!/usr/bin/env bash
# Sweeps, measured: a 12-member MNIST grid (4 learning rates x 3 seeds, the ci recipe's data, 6 epochs
# without early stopping) built twice from an empty stage cache, without and with --prune=median,
# then a 6-member Hacker News grid (ci recipe). Prints each sweep's table, wall time, the cores, the
# load average before and after, and whether both MNIST sweeps pick the same best member. It is not a test.
# Usage: benchmarks/sweep.sh [jobs]   (default 2)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs=${1:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./build.sh --target=Graph >/dev/null
cli=(dotnet build/bin/cli/digitforge.dll)
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, --jobs=$jobs"

mnist=(--config configs/mnist/ci.json --set=train.epochs=6 --set=train.earlyStopping.enabled=false
  --sweep=train.learningRate=0.0003,0.001,0.003,0.03 --sweep=train.seed=1..3 --jobs="$jobs")
best() { grep '^best: ' "$1" | cut -d';' -f1; }
run() { # name, then the sweep's arguments
  local name=$1
  shift
  echo "== $name: load $(cut -d' ' -f1-3 /proc/loadavg)"
  local start=$SECONDS
  DIGITFORGE_CACHE="$out/cache-$name" "${cli[@]}" sweep --artifacts "$out/artifacts-$name" "$@" | grep -v -e ': building' -e ': done in' -e ': pruned at' -e ': failed' | tee "$out/$name.txt"
  echo "== $name: $((SECONDS - start)) s wall; load after $(cut -d' ' -f1-3 /proc/loadavg)"
}
run mnist-all "${mnist[@]}"
run mnist-pruned "${mnist[@]}" --prune=median
echo "== best without pruning: $(best "$out/mnist-all.txt"); with: $(best "$out/mnist-pruned.txt")"
run hn --pipeline=hn --config configs/hn/ci.json --sweep=train.leaves=8,16,32 --sweep=train.learningRate=0.05,0.2 --jobs="$jobs"
