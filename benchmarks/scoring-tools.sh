# Sourced by the scoring benchmarks: publishes digitforge-score into $work/tool (refusing an output
# with TorchSharp in it: inference must not depend on it), builds the benchmark helper, and sets
# the arrays `score` and `helper` to run them. Needs $work (a scratch folder) and the repo as cwd.
dotnet publish src/DigitForge.ScoreTool -c Release -o "$work/tool" --nologo -v quiet >/dev/null
if find "$work/tool" -iname '*torch*' | grep -q .; then
  echo "error: the published tool contains TorchSharp/libtorch files" >&2
  exit 1
fi
dotnet build benchmarks/DigitForge.ScoringBench -c Release --nologo -v quiet >/dev/null
helper=(dotnet benchmarks/DigitForge.ScoringBench/bin/Release/net10.0/DigitForge.ScoringBench.dll)
score=(dotnet "$work/tool/digitforge-score.dll")

# Writes $2 PNG digits of the bundled data into $work/small and a folder ten times larger of hard
# links to them, in ten sub-folders, into $work/large.
png_folders() {
  "${helper[@]}" pngs "$1" "$work/small" "$2"
  mkdir "$work/large"
  for part in 0 1 2 3 4 5 6 7 8 9; do
    cp -al "$work/small" "$work/large/part$part"
  done
}
