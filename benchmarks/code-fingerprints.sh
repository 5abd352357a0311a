#!/usr/bin/env bash
# What hashing the stages' code costs a build: `digitforge status` on both pipelines, run by the CLI
# of this checkout and by the CLI of the last commit whose stages listed their assemblies by hand
# (each listed assembly hashed whole), alternately, so both see the same machine. Ours runs twice per
# round: cold (the code-hash file beside the stage folders deleted first, so every stage's code is
# walked) and warm (kept from the run before: the no-op build's case). Each status runs on an empty
# artifacts folder, so every stage's code is hashed and no upstream file is. Prints the medians of the
# wall time and of the CPU time (user + system) per pipeline, with the load average. Not a test.
# Usage: benchmarks/code-fingerprints.sh [runs (7)] [baseline commit (the last with hand-kept lists)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-7}
# The commit that removed StageInputs' list of assemblies; its parent still had the lists.
baseline=${2:-$(git log -1 --format=%H -S'IReadOnlyList<Assembly> Code' -- src/DigitForge.Engine/Stages/StageInputs.cs)^}
work=$(mktemp -d)
cleanup() { git worktree remove --force "$work/baseline-src" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "baseline: $(git log -1 --format='%h %s' "$baseline")"
git worktree add --quiet --detach "$work/baseline-src" "$baseline"
compile() { dotnet build "$1" -c Release -o "$2" -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }; }
compile src/DigitForge.Cli "$work/ours"
compile "$work/baseline-src/src/DigitForge.Cli" "$work/baseline"

# Prints "wall cpu" in seconds for one status run.
status() { # cli pipeline artifacts
  /usr/bin/time -f '%e %U %S' -o "$work/time" dotnet "$1/digitforge.dll" status --pipeline="$2" --artifacts="$3" >/dev/null 2>&1
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$work/time"
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for pipeline in mnist hn; do
  mkdir -p "$work/artifacts-$pipeline/$pipeline/stages"
  cache="$work/artifacts-$pipeline/$pipeline/stages/.code-hashes.json"
  base_wall=() base_cpu=() cold_wall=() cold_cpu=() warm_wall=() warm_cpu=()
  status "$work/ours" "$pipeline" "$work/artifacts-$pipeline" >/dev/null   # first start of each CLI off the clock
  status "$work/baseline" "$pipeline" "$work/artifacts-$pipeline" >/dev/null
  for _ in $(seq "$runs"); do
    read -r w c < <(status "$work/baseline" "$pipeline" "$work/artifacts-$pipeline"); base_wall+=("$w"); base_cpu+=("$c")
    rm -f "$cache"
    read -r w c < <(status "$work/ours" "$pipeline" "$work/artifacts-$pipeline"); cold_wall+=("$w"); cold_cpu+=("$c")
    read -r w c < <(status "$work/ours" "$pipeline" "$work/artifacts-$pipeline"); warm_wall+=("$w"); warm_cpu+=("$c")
  done
  printf '%-6s listed assemblies (baseline)   wall %.2f s  cpu %.2f s   runs: %s\n' "$pipeline" "$(median "${base_wall[@]}")" "$(median "${base_cpu[@]}")" "${base_wall[*]}"
  printf '%-6s derived, cold (walks)          wall %.2f s  cpu %.2f s   runs: %s\n' "$pipeline" "$(median "${cold_wall[@]}")" "$(median "${cold_cpu[@]}")" "${cold_wall[*]}"
  printf '%-6s derived, warm (no-op build)    wall %.2f s  cpu %.2f s   runs: %s\n' "$pipeline" "$(median "${warm_wall[@]}")" "$(median "${warm_cpu[@]}")" "${warm_wall[*]}"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
