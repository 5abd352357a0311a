#!/usr/bin/env bash
# Wall time of a no-op build against Cake's own start (not a timed test).
# Usage: benchmarks/noop.sh [runs (7)] [build arguments (--target=Evaluate)]
# Anchor: the restored Cake tool running an empty script with the script cache on, the least any
# ./build.sh can cost. Ours: ./build.sh on an up-to-date artifacts folder (built first if needed),
# which checks the CLI's sources, takes the build lock, hashes every stage's inputs and prints the
# summary. Runs alternate between the two, so both see the same machine; medians are printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-7}
shift || true
args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(--target=Evaluate)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
./build.sh "${args[@]}" >/dev/null
# The restored Cake tool build.sh found (it says which with bash -x); not the precompiled copy in
# build/bin/cake that build.sh starts once the build has made it, so the anchor stays Cake as restored.
cake=$(bash -x ./build.sh --target=Graph 2>&1 >/dev/null | sed -n 's/^+ export DIGITFORGE_CAKE_TOOL=\(.*\)$/\1/p')/Cake.dll
[[ -f "$cake" ]] || { echo "could not find the Cake.dll build.sh starts" >&2; exit 1; }
mkdir "$work/empty"
echo 'Task("Default").Does(() => {}); RunTarget("Default");' > "$work/empty/empty.cake"
printf '[Settings]\nEnableScriptCache=true\n' > "$work/empty/cake.config"
dotnet "$cake" "$work/empty/empty.cake" >/dev/null   # fills the anchor's script cache

seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null 2>&1; awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }
anchor=() ours=()
for _ in $(seq "$runs"); do
  anchor+=("$(seconds dotnet "$cake" "$work/empty/empty.cake")")
  ours+=("$(seconds ./build.sh "${args[@]}")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
a=$(median "${anchor[@]}") o=$(median "${ours[@]}")
printf 'empty Cake script (anchor)      median %.2f s   runs: %s\n' "$a" "${anchor[*]}"
printf './build.sh %-20s median %.2f s   runs: %s\n' "${args[*]}" "$o" "${ours[*]}"
printf 'ratio: no-op build / Cake start = %.2f; load at end: %s\n' "$(awk -v o="$o" -v a="$a" 'BEGIN { print o / a }')" "$(cut -d' ' -f1-3 /proc/loadavg)"
