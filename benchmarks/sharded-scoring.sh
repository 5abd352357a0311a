#!/usr/bin/env bash
# Scale-out scoring on one machine (not a timed test): one digitforge-score process over a folder,
# against SHARDS shard processes run at once (--shard i/SHARDS) followed by `digitforge-score merge`,
# and a check that the merged file is the single process's, byte for byte (cmp).
# Usage: benchmarks/sharded-scoring.sh [count] [shards] [model]
#   count   PNG digits to write from the bundled data set (default 200000; DigitForge.ScoringBench's
#           generator, as benchmarks/scoring.sh uses)
#   shards  shard processes (default 4); each gets max(1, cores / shards) threads, so the shards
#           together use the cores the single process does
#   model   an .onnx file; by default the default architecture trained for one epoch by the helper
# On one machine the shards share its cores: the ratio shows the cost of splitting (start-up, model
# load and listing per process, and the merge), not a cluster's speed-up, where each pod has its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
count=${1:-200000}
shards=${2:-4}
model=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source benchmarks/scoring-tools.sh

if [[ -z "$model" ]]; then
  "${helper[@]}" model "$repo" "$work/model.onnx" >/dev/null
  model="$work/model.onnx"
fi
"${helper[@]}" pngs "$repo" "$work/pngs" "$count"

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

cores=$(nproc)
threads=$(( cores / shards > 0 ? cores / shards : 1 ))
echo "$cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs; $count PNGs, $shards shards of $threads thread(s) each"

start=$(date +%s.%N)
"${score[@]}" "$work/pngs" --model "$model" --out "$work/single.csv" > "$work/single.log"
single=$(seconds "$start" "$(date +%s.%N)")

start=$(date +%s.%N)
pids=()
for i in $(seq 1 "$shards"); do
  "${score[@]}" "$work/pngs" --model "$model" --shard "$i/$shards" --threads "$threads" --out "$work/parts/part-$i.csv" > "$work/shard-$i.log" &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid"
done
scored=$(date +%s.%N)
"${score[@]}" merge "$work/parts" --out "$work/merged.csv" > "$work/merge.log"
end=$(date +%s.%N)
sharded=$(seconds "$start" "$end")
merge=$(seconds "$scored" "$end")

rows=$(( $(wc -l < "$work/single.csv") - 1 ))
cmp "$work/single.csv" "$work/merged.csv"
awk -v n="$rows" -v s="$single" -v p="$sharded" -v m="$merge" -v k="$shards" 'BEGIN {
  printf "single process: %d rows in %.1f s = %.0f images/s\n", n, s, n / s
  printf "%d shards + merge: %d rows in %.1f s (merge %.1f s) = %.0f images/s\n", k, n, p, m, n / p
  printf "ratio sharded/single: %.2f\n", s / p
}'
echo "identical: merged.csv and single.csv are byte for byte the same ($(stat -c %s "$work/merged.csv") bytes)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
