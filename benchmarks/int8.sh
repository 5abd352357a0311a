#!/usr/bin/env bash
# int8 against FP32, end to end with the published digitforge-score on the same PNGs in one run,
# then inference only (no files, no decoding) on the bundled digits and the per-image CPU time of each
# step on one thread (not a timed test).
# Usage: benchmarks/int8.sh [count] [models-root] [rounds]
#   count        PNG digits to write from the bundled data set (default 20000); a folder ten times
#                larger is made of hard links to them, in ten sub-folders, and that is what is scored
#   models-root  the registry whose production version is scored (default artifacts/mnist/models); it
#                must have an accepted model.int8.onnx (./build.sh --target=Promote writes one)
#   rounds       fp32/int8 pairs, alternating so a change of load hits both alike (default 2)
# Give it an otherwise idle machine: it uses every core. It prints the load average before and after,
# and each core's own inference speed (one thread pinned to it): a virtual machine's cores are not
# always equally fast (on ours, at times one ran the int8 model 50-60 % slower, FP32 15-20 %), which
# moves the end-to-end ratio; compare runs only when these lines agree. Where a C compiler is at hand
# these lines also give the core's peak multiply-accumulate rates (benchmarks/cpu-peak.c) and how close
# each precision's inference runs to the floor they set for the model.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
count=${1:-20000}
models_root=$(realpath "${2:-artifacts/mnist/models}")
rounds=${3:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source benchmarks/scoring-tools.sh
png_folders "$repo" "$count"
files=$(( count * 10 ))

# Both precisions must be there: --precision int8 fails (exit 2) on a version without an accepted int8 model.
"${score[@]}" "$work/small" --models-root "$models_root" --precision int8 --out "$work/probe.csv" > "$work/probe.log"
grep -E "^Scoring|^  model file" "$work/probe.log"

version=$(sed -n 's/^Scoring .* with production \([^ ]*\) .*/\1/p' "$work/probe.log")
# Each core's peak multiply-accumulate rates (benchmarks/cpu-peak.c, where a C compiler is at hand) against
# the model's multiply-accumulates per image: how close each precision's inference runs to its floor.
read -r fp32_macs int8_macs <<< "$("${helper[@]}" macs "$models_root/$version/model.json" | sed 's/.*fp32 \([0-9]*\), int8 \([0-9]*\)/\1 \2/')"
peak=()
if command -v cc > /dev/null && cc -O2 -mavx512f -mavx512bw -mavx512vnni benchmarks/cpu-peak.c -o "$work/cpu-peak" 2> /dev/null; then
  peak=("$work/cpu-peak")
fi
per_core() {
  for core in $(seq 0 $(( $(nproc) - 1 ))); do
    read -r fp32_us int8_us <<< "$(taskset -c "$core" "${helper[@]}" infer "$repo" "$models_root/$version/model.onnx" "$models_root/$version/model.int8.onnx" 2 1 \
      | sed -n "s/^[a-z0-9]*: .* CPU \([0-9.]*\) us\/image.*/\1/p" | tr '\n' ' ')"
    line="    core $core, inference on one thread, us per image: fp32 $fp32_us int8 $int8_us"
    if (( ${#peak[@]} )) && read -r int8_peak fp32_peak <<< "$(taskset -c "$core" "${peak[@]}" | sed -n 's/^int8 \([0-9.]*\) GMAC\/s, fp32 \([0-9.]*\) GMAC\/s/\1 \2/p')" && [[ -n $int8_peak ]]; then
      line+=$(awk -v fm="$fp32_macs" -v im="$int8_macs" -v ft="$fp32_us" -v it="$int8_us" -v fp="$fp32_peak" -v ip="$int8_peak" \
        'BEGIN { printf "; at this core'"'"'s peak (fp32 %.1f, int8 %.1f GMAC/s) the floor is %.1f and %.1f us: fp32 runs at %.0f %%, int8 at %.0f %% of it", fp, ip, fm / fp / 1e3, im / ip / 1e3, 100 * fm / fp / 1e3 / ft, 100 * im / ip / 1e3 / it }')
    fi
    echo "$line"
  done
}
echo "multiply-accumulates per image: fp32 $fp32_macs, int8 $int8_macs (the int8 graph's first block is phase-split)"
echo "each core before the runs:"
per_core

declare -A seconds=([fp32]=0 [int8]=0) cpu=([fp32]=0 [int8]=0)
echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); uptime before: $(uptime)"
for round in $(seq 1 "$rounds"); do
  for precision in fp32 int8; do
    /usr/bin/time -f "%e %U %S" -o "$work/$precision.time" \
      "${score[@]}" "$work/large" --recursive --models-root "$models_root" --precision "$precision" --out "$work/$precision.csv" --overwrite > "$work/$precision.log"
    read -r elapsed user system < "$work/$precision.time"
    rows=$(( $(wc -l < "$work/$precision.csv") - 1 ))
    if (( rows != files )); then
      echo "error: $precision scored $rows of $files files" >&2
      exit 1
    fi
    echo "round $round $precision: $files files in $elapsed s = $(awk -v n="$files" -v s="$elapsed" 'BEGIN { printf "%.0f", n / s }') images/s; CPU $(awk -v n="$files" -v u="$user" -v s="$system" 'BEGIN { printf "%.0f", 1e6 * (u + s) / n }') us/image"
    seconds[$precision]=$(awk -v a="${seconds[$precision]}" -v b="$elapsed" 'BEGIN { print a + b }')
    cpu[$precision]=$(awk -v a="${cpu[$precision]}" -v u="$user" -v s="$system" 'BEGIN { print a + u + s }')
  done
done
echo "uptime after: $(uptime)"
echo "each core after the runs:"
per_core

rate() { awk -v n="$(( files * rounds ))" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
echo "end to end, $files PNGs x $rounds rounds: fp32 $(rate "${seconds[fp32]}") images/s, int8 $(rate "${seconds[int8]}") images/s," \
  "ratio $(awk -v f="${seconds[fp32]}" -v i="${seconds[int8]}" 'BEGIN { printf "%.2f", f / i }')x;" \
  "CPU per image ratio $(awk -v f="${cpu[fp32]}" -v i="${cpu[int8]}" 'BEGIN { printf "%.2f", f / i }')x"
# The same predictions? Matched by file (column 1), the prediction is column 2.
echo "predictions identical on $(awk -F, 'FNR == 1 { next } NR == FNR { fp32[$1] = $2; next } { n++; if (fp32[$1] == $2) same++ } END { printf "%.3f %% of %d", 100 * same / n, n }' "$work/fp32.csv" "$work/int8.csv") files"

echo "where an image's CPU time goes (each step over the $count PNGs on one thread, thread CPU time, best of 3):"
"${helper[@]}" split "$work/small" "$models_root/$version/model.onnx" "$models_root/$version/model.int8.onnx" | sed 's/^/    /'
echo "inference only (bundled digits, batch 256):"
for threads in 1 "$(nproc)"; do
  "${helper[@]}" infer "$repo" "$models_root/$version/model.onnx" "$models_root/$version/model.int8.onnx" 5 "$threads" | sed 's/^/    /'
done
