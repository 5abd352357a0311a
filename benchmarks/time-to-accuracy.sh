#!/usr/bin/env bash
# Time and images to 99 % test accuracy: the seeds' recipe against the default one, on two seeds at
# least, each training in a fresh process (not a timed test). Prints both side by side and the ratio.
# Usage: benchmarks/time-to-accuracy.sh [seeds (42,7)] [goal (0.99)] [old recipe] [new recipe]
# Give it an otherwise idle machine: libtorch's threads spin, so other load distorts the times.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seeds=${1:-42,7}
goal=${2:-0.99}
old=${3:-configs/mnist/seed-recipe.json}
new=${4:-configs/mnist/default.json}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The two recipes share their data and preprocess sections, so one Preprocess serves both.
./build.sh --target=Preprocess --config="$new" --artifacts="$out" >/dev/null
dotnet build benchmarks/DigitForge.Benchmarks -c Release -o "$out/bench" -nologo -v q >/dev/null
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$out/bench/DigitForge.Benchmarks.dll" time-to-accuracy --data "$out/mnist/stages/Preprocess" --goal "$goal" --seeds "$seeds" "$old" "$new"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
