#!/usr/bin/env bash
# Training and evaluation throughput and peak memory of the default recipe: our training loop and
# a plain TorchSharp loop of the same network, back to back in separate processes, then scoring the
# test split. Prints figures; it is not a test. Usage: benchmarks/training.sh [epochs (4)] [rounds (2)]
# Give it an otherwise idle machine: libtorch's threads spin, so other load distorts the figures
# (the report prints the load average at its start and end).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
epochs=${1:-4}
rounds=${2:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

./build.sh --target=Preprocess --artifacts="$out" >/dev/null
dotnet build benchmarks/DigitForge.Benchmarks -c Release -o "$out/bench" -nologo -v q >/dev/null
# Let the builds' own load fade: wait up to 5 minutes for a 1-minute load average below 0.7.
for _ in $(seq 60); do
  [[ -r /proc/loadavg ]] && ! awk '{ exit !($1 < 0.7) }' /proc/loadavg || break
  sleep 5
done
dotnet "$out/bench/DigitForge.Benchmarks.dll" --data "$out/stages/Preprocess" --config configs/mnist/default.json --epochs "$epochs" --rounds "$rounds"
