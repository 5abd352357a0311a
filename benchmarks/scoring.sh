#!/usr/bin/env bash
# End-to-end throughput and peak memory of the published digitforge-score (not a timed test).
# Usage: benchmarks/scoring.sh [count] [model]
#   count  PNG digits to write from the bundled data set (default 20000; a second folder ten times
#          larger is made of hard links to them, in ten sub-folders, and scored with --recursive)
#   model  an .onnx file; by default the production model of artifacts/mnist/models, or, when there is none
#          with model.onnx, the default architecture trained for one epoch by the helper (same network,
#          so the same speed; the accuracy line then reflects that short training)
# Each run is one process under /usr/bin/time: start-up, model load, listing, decoding, preprocessing
# (MNIST-style, the default), inference at the default batch size and writing the CSV. Give it an
# otherwise idle machine: it uses every core.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
count=${1:-20000}
model_arg=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source benchmarks/scoring-tools.sh
png_folders "$repo" "$count"

if [[ -n "$model_arg" ]]; then
  model=(--model "$model_arg")
else
  mkdir "$work/probe"
  cp "$work/small/$(ls "$work/small" | head -n 1)" "$work/probe/"
  if "${score[@]}" "$work/probe" --models-root "$repo/artifacts/mnist/models" --out "$work/probe.csv" >/dev/null 2>"$work/probe.err"; then
    model=(--models-root "$repo/artifacts/mnist/models")
  else
    echo "no usable production model ($(cat "$work/probe.err")); training the default architecture for one epoch"
    "${helper[@]}" model "$repo" "$work/model.onnx" >/dev/null
    model=(--model "$work/model.onnx")
  fi
fi

run() { # name folder [options...]
  local name=$1 folder=$2
  shift 2
  /usr/bin/time -f "%e %M %U %S" -o "$work/$name.time" "${score[@]}" "$folder" "${model[@]}" --out "$work/$name.csv" "$@" > "$work/$name.log"
  read -r seconds rss user system < "$work/$name.time"
  local files rate accuracy cpu
  files=$(( $(wc -l < "$work/$name.csv") - 1 ))
  rate=$(awk -v n="$files" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
  # File names end in -<label>.png: the share of rows whose prediction matches.
  accuracy=$(awk -F, 'NR > 1 { n++; label = $1; sub(/\.png$/, "", label); sub(/.*-/, "", label); if (label == $2) ok++ } END { printf "%.2f", 100 * ok / n }' "$work/$name.csv")
  # CPU time per image says what the cores can do, whatever else the machine was running.
  cpu=$(awk -v n="$files" -v u="$user" -v s="$system" 'BEGIN { printf "%.0f", 1e6 * (u + s) / n }')
  echo "$name: $files files in $seconds s end to end = $rate images/s; peak RSS $(( rss / 1024 )) MiB; CPU $cpu us/image; accuracy $accuracy %"
  grep -E "^(Scoring|Done)" "$work/$name.log" | sed 's/^/    /'
}

echo "$(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) before the runs; default batch size and threads, MNIST-style preprocessing on"
run "folder-${count}" "$work/small"
run "folder-$(( count * 10 ))" "$work/large" --recursive
