#!/usr/bin/env bash
# A scripted week of the MNIST pipeline's loop (docs/monitor.md): train and promote a model, then each day score
# that day's folder of digits with the prediction log on and the clock set to the day, record the day's labels,
# and run Monitor for the day. The scans come in rotated more from day to day, then stay as rotated; on the first
# day whose live accuracy falls more than monitor.maxAccuracyDrop below the promoted one, Monitor exits 5. The
# script then exports the labelled feedback as a snapshot, retrains with it (data.feedback), scores the rest of the
# week with the new version, and shows Monitor's table, the new version's lineage and the dashboard (with a
# screenshot of its live performance panel when chromium is installed).
#
#   scripts/monitor-week.sh [mnist|hn] [OUT]   (OUT: where the artifacts, day inputs and outputs go; default a temporary folder)
#
# mnist: the recipe is configs/mnist/ci.json with more digits and epochs than CI uses, so the model reads digits well
# enough for a drop to show, and a gate that a few minutes of training can pass; the retrain repeats each feedback
# digit five times (data.feedbackRepeat), as 600 among some 3,000 of the source teach four epochs little.
# hn: configs/hn/ci.json; each day's stories are bundled ones posted that day, whose comment counts, served by a
# loopback stand-in of the Hacker News API that the script starts, grow fourfold from the third day (readers'
# habits changed): Outcomes records the settled counts, and live MAE alerts (monitor.maxMaeIncrease). Its gate lets a
# version with a larger test MAE through (promote.maxMaeIncrease), since the feedback's counts are not the test split's.
# Takes a few minutes on two cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pipeline=${1:-mnist}
out=$(realpath -m "${2:-$(mktemp -d)}")
mkdir -p "$out"
per_day=200
start=$(date -u -d tomorrow +%F)
day_date() { date -u -d "$start + $(($1 - 1)) days" +%F; }
dotnet build scripts/DigitForge.MonitorWeek -c Release -o "$out/week-bin" -nologo -v q >/dev/null
helper=(dotnet "$out/week-bin/DigitForge.MonitorWeek.dll")
case $pipeline in
  mnist)
    days=6
    recipe=(--config=configs/mnist/ci.json "--artifacts=$out/artifacts"
      --set=preprocess.maxPerClass=400 --set=train.epochs=4
      --set=promote.minAccuracy=0.9 --set=promote.minClassRecall=0.8 --set=promote.maxAccuracyDrop=0.02
      --set=monitor.maxAccuracyDrop=0.05 --set=monitor.maxPsi=100)
    retrain=(--set=data.feedbackRepeat=5)
    alerting=monitor.maxAccuracyDrop
    ;;
  hn)
    days=5
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    recipe=(--pipeline=hn --config=configs/hn/ci.json "--artifacts=$out/artifacts" "--set=data.api.baseUrl=http://127.0.0.1:$port"
      --set=promote.maxMaeIncrease=10 --set=monitor.settleHours=1 --set=monitor.maxPsi=100)
    retrain=()
    alerting=monitor.maxMaeIncrease
    ;;
  *)
    echo "error: unknown pipeline '$pipeline': expected mnist or hn" >&2
    exit 2
    ;;
esac
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); outputs in $out"

# The build's own output is kept in a log per step; each step prints what it is about.
step() {
  local name=$1
  shift
  local code=0
  ./build.sh "$@" "${recipe[@]}" >"$out/$name.log" 2>&1 || code=$?
  # The tool's lines, without Cake's banners and task table.
  sed -n '/^═*$/,/^  Task  /{/^═*$/d;/^ [A-Z][A-Za-z]* *$/d;/^  Task  /d;/^ *$/d;/An error occurred when executing task/d;p}' "$out/$name.log"
  return $code
}

echo "== train and promote the first version"
step train --target=Promote | grep -E "Test accuracy|Test MAE|promoted|not promoted" || true

# A day's inputs, and how the day's ground truth is recorded.
if [[ $pipeline == mnist ]]; then
  rotations=(0 12 24 24 24 24)
  echo "== the days' folders: digits in no split, rotated ${rotations[*]} degrees"
  "${helper[@]}" days "$out/artifacts/mnist/stages" "$out/days" $per_day "${rotations[@]}"
  score() { step "score-$1" --target=Score "--input=$out/days/day-$1" --recursive "--out=$out/day-$1.csv" "--at=$2T10:00:00Z"; }
  truth() { step "feedback-$1" --target=Feedback "--input=$out/days/day-$1" "--at=$2T18:00:00Z"; }
else
  factors=(1 1 4 4 4)
  echo "== the days' stories: comment counts x${factors[*]}, served by a stand-in of the API on 127.0.0.1:$port"
  "${helper[@]}" stories data/hn/stories.csv.gz "$out/days" "$start" $per_day "${factors[@]}"
  "${helper[@]}" serve "$out/days/items" "$port" &
  api=$!
  trap 'kill $api' EXIT
  score() { step "score-$1" --target=Score "--input=$out/days/day-$1.csv" "--out=$out/day-$1-predictions.csv" "--at=$2T10:00:00Z"; }
  truth() { step "outcomes-$1" --target=Outcomes "--at=$2T18:00:00Z"; }
fi

alert=
for day in $(seq 1 $((days - 1))); do
  date=$(day_date "$day")
  next=$(day_date $((day + 1)))
  echo "== day $day ($date)"
  score "$day" "$date" | grep -E "^prediction log|^drift"
  truth "$day" "$date"
  code=0
  step "monitor-$day" --target=Monitor "--at=${next}T06:00:00Z" || code=$?
  if [[ $code -eq 5 ]]; then
    alert=$day
    break
  elif [[ $code -ne 0 ]]; then
    echo "error: Monitor exited $code (see $out/monitor-$day.log)" >&2
    exit 1
  fi
done
if [[ -z $alert ]]; then
  echo "error: no alert in $((days - 1)) days" >&2
  exit 1
fi
if ! grep -q "$alerting breached: .* on $(day_date "$alert")" "$out/monitor-$alert.log"; then
  echo "error: day $alert's alert is not $alerting on $(day_date "$alert") (see $out/monitor-$alert.log)" >&2
  exit 1
fi
echo "== alert on day $alert ($(day_date "$alert")): exit 5"

echo "== export the labelled feedback and retrain with it"
step export --target=ExportFeedback
snapshot=$(grep -oE '^[0-9a-f]{12}$' "$out/export.log")
step retrain --target=Promote "--set=data.feedback=[\"$snapshot\"]" "${retrain[@]}" | grep -E "^(Ingest|Preprocess|Split) |Test accuracy|Test MAE|promoted|not promoted" || true
step lineage --target=Lineage | grep -E "^v[0-9]+|feedback |data\.feedback"

for day in $(seq $((alert + 1)) $days); do
  date=$(day_date "$day")
  next=$(day_date $((day + 1)))
  echo "== day $day ($date), scored by the retrained version"
  score "$day" "$date" | grep -E "^Scoring|^prediction log|with v[0-9]"
  truth "$day" "$date"
done
# Monitor only reads the log: one run after the last day shows every day's row.
step "monitor-$days" --target=Monitor "--at=${next}T06:00:00Z" || true

step dashboard --target=Dashboard "--out=$out/dashboard.html" "--at=${next}T06:00:00Z"
if command -v chromium >/dev/null; then
  # The page's head (its styles) and its last section, live performance, alone.
  sed -n '1,/<body/p;/<h2>Live performance<\/h2>/,$p' "$out/dashboard.html" >"$out/monitor-panel.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,900 \
    "--screenshot=$out/monitor-panel.png" "file://$out/monitor-panel.html" >/dev/null 2>&1
  echo "live performance panel: $out/monitor-panel.png"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
