#!/usr/bin/env bash
# Training and evaluation throughput and peak memory of the default recipe, measured by running
# the real CLI (not a timed test). Usage: benchmarks/training.sh [epochs]   (default 3)
# Give it an otherwise idle machine: libtorch's threads spin, so other load distorts the figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
epochs=${1:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
settings=(--artifacts "$out" --set "train.epochs=$epochs" --set train.earlyStopping.enabled=false)

./build.sh --target=Preprocess --artifacts="$out" >/dev/null
cli=(dotnet build/bin/cli/digitforge.dll)
/usr/bin/time -f "%M" -o "$out/train.rss" "${cli[@]}" run Train "${settings[@]}" > "$out/train.log"
/usr/bin/time -f "%M" -o "$out/evaluate.rss" "${cli[@]}" run Evaluate "${settings[@]}" > "$out/evaluate.log"

grep -E "epoch " "$out/train.log" | sed 's/^/  /'
# The first epoch pays libtorch's one-off kernel set-up; the steady state is the mean of the rest.
read -r first steady < <(grep -oE '[0-9]+ img/s' "$out/train.log" | awk 'NR == 1 { first = $1 } NR > 1 { sum += $1; n++ } END { printf "%d %.0f\n", first, n ? sum / n : first }')
eval_rate=$(grep -oE '\([0-9]+ images/s\)' "$out/evaluate.log" | tr -dc '0-9')
echo "training:   $steady images/s steady state (epochs 2-$epochs), $first images/s in epoch 1; batch 64, 2 threads; peak RSS $(( $(cat "$out/train.rss") / 1024 )) MiB"
echo "evaluation: $eval_rate images/s (2,000 test images, batch 1000), peak RSS $(( $(cat "$out/evaluate.rss") / 1024 )) MiB"
