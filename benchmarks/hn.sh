#!/usr/bin/env bash
# The Hacker News comment-count model against the seed guide's own stack, on the same split: the
# seed's scikit-learn TfidfVectorizer + XGBRegressor(n_estimators=20) on raw comment counts, exactly
# as the guide builds it, and our featurizer + FastTree with the default recipe; plus the training
# mean and median baselines. Prints R², MAE, RMSE and Spearman side by side. It is not a test.
# Usage: benchmarks/hn.sh [stories.csv.gz] [key=value ...]   (keys override our recipe, see DigitForge.HnBench)
# The seed's side needs Debian's python3-sklearn and python3-xgboost: installed with apt-get when
# missing and running as root, otherwise skipped with a message. It densifies the TF-IDF matrix as
# the guide does (about 1 GB for the 20,000-story snapshot) and takes minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
snapshot=$(realpath "${1:-data/hn/stories.csv.gz}")
shift || true
# HN_BENCH_OUT=<folder> keeps the outputs (split ids, our stage folders and report.html, seed.json) there.
if [[ -n ${HN_BENCH_OUT:-} ]]; then
  out=$(realpath -m "$HN_BENCH_OUT")
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
# Debian's interpreter, where apt installs the packages (a pyenv or venv python3 on PATH would not see them).
python=/usr/bin/python3

dotnet build benchmarks/DigitForge.HnBench -c Release -o "$out/bench" -nologo -v q >/dev/null
echo "== ours (DigitForge.HnBench)"
dotnet "$out/bench/DigitForge.HnBench.dll" "$snapshot" "$out/run" "$@"

seed=yes
if ! "$python" -c 'import sklearn, xgboost, scipy' 2>/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "== installing python3-sklearn and python3-xgboost (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-sklearn python3-xgboost >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-sklearn python3-xgboost >/dev/null; }
  else
    echo "== skipping the seed's stack: python3-sklearn and python3-xgboost are missing and installing them needs root (apt-get)"
    seed=no
  fi
fi
if [[ $seed == yes ]]; then
  echo "== the seed's stack (benchmarks/hn/seed_stack.py)"
  "$python" benchmarks/hn/seed_stack.py "$snapshot" "$out/run"
fi

echo
python3 benchmarks/hn/table.py "$out/run"
