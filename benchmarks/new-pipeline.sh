#!/usr/bin/env bash
# What the scaffolded route to a third pipeline costs a user (not a timed test): the commands of
# docs/add-a-pipeline.md's "Add a C# pipeline" section, run in order in a fresh clone of HEAD (nothing
# compiled yet, an empty stage cache), each timed; then the commands typed and the lines generated.
# Usage: benchmarks/new-pipeline.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet . "$work/clone"
export DIGITFORGE_CACHE="$work/cache" NO_COLOR=1

# The bash blocks of the section, comments left out: what AddAPipelineDocTests runs too.
mapfile -t commands < <(awk '/^## /{ inside = ($0 == "## Add a C# pipeline") } inside && /^```/{ block = !block && $0 == "```bash"; next } inside && block && NF && $1 !~ /^#/' docs/add-a-pipeline.md)
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
total_start=$EPOCHREALTIME
for command in "${commands[@]}"; do
  start=$EPOCHREALTIME
  (cd "$work/clone" && bash -c "$command" >"$work/out" 2>&1) || { cat "$work/out"; echo "failed: $command" >&2; exit 1; }
  printf '%7.1f s  %s\n' "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')" "$command"
done
printf '%7.1f s  in all (%.1f min), %d commands typed, 0 lines written by hand\n' \
  "$(awk -v a="$total_start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')" "$(awk -v a="$total_start" -v b="$EPOCHREALTIME" 'BEGIN { print (b - a) / 60 }')" "${#commands[@]}"
cd "$work/clone"
echo "generated: $(git ls-files --others --exclude-standard | xargs cat | wc -l) lines in $(git ls-files --others --exclude-standard | wc -l) new files; $(git diff --numstat | awk '{ s += $1 } END { print s }') lines added to $(git diff --name-only | wc -l) registered files"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
