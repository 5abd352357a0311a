#!/usr/bin/env bash
# Load benchmark of the published digitforge-serve on loopback (not a timed test).
# Usage: benchmarks/serve.sh [hn] [seconds] [model.onnx]
#        benchmarks/serve.sh [hn] log [seconds] [model.onnx]
#   hn       the Hacker News route instead of the digit one: a 40-tree model trained on
#            data/hn/stories.csv.gz, 200 of its stories as JSON to POST /v1/hn/predict, at 1 and 8 clients
#   log      the prediction log's cost instead: two services on one registry, --prediction-log off and
#            all (every prediction recorded in monitor.db), measured alternately at 8 clients, ROUNDS
#            (default 9) rounds each, which goes first alternating; prints each round, the median p99
#            of each and their ratio
#   seconds  per level (default 10); each level also stops after 50,000 requests
#   model    an .onnx file; by default the default architecture trained for one epoch by
#            DigitForge.ScoringBench (same network as the pipeline's, so the same speed)
# Single-image POST /v1/predict (a 28x28 PNG, MNIST preprocessing on, request log on and written to
# a file) at 1, 8 and 64 concurrent clients. The load generator runs on the same machine and shares
# its cores with the service; give it an otherwise idle machine and quote /proc/loadavg with figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
mode=levels
pipeline=
if [[ "${1:-}" == hn ]]; then
  pipeline=hn
  shift
fi
if [[ "${1:-}" == log ]]; then
  mode=log
  shift
fi
seconds=${1:-10}
rounds=${ROUNDS:-9}
model=${2:-}
work=$(mktemp -d)
server=
logged=
cleanup() {
  for pid in $server $logged; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

dotnet publish src/DigitForge.Serve -c Release -o "$work/serve" --nologo -v quiet >/dev/null
if find "$work/serve" -iname '*torch*' | grep -q .; then
  echo "error: the published service contains TorchSharp/libtorch files" >&2
  exit 1
fi
dotnet build benchmarks/DigitForge.ScoringBench -c Release --nologo -v quiet >/dev/null
dotnet build benchmarks/DigitForge.ServeBench -c Release --nologo -v quiet >/dev/null
scoring=(dotnet benchmarks/DigitForge.ScoringBench/bin/Release/net10.0/DigitForge.ScoringBench.dll)
bench=(dotnet benchmarks/DigitForge.ServeBench/bin/Release/net10.0/DigitForge.ServeBench.dll)

if [[ "$pipeline" == hn ]]; then
  echo "training a 40-tree Hacker News model (stand-in model)"
  "${bench[@]}" hn-registry "$repo/data/hn/stories.csv.gz" "$work/artifacts/hn/models" "$work/inputs"
  route=/v1/hn/predict
  ready=/v1/hn/model
  levels="1 8"
else
  "${scoring[@]}" pngs "$repo" "$work/inputs" 200
  if [[ -z "$model" ]]; then
    echo "training the default architecture for one epoch (stand-in model)"
    "${scoring[@]}" model "$repo" "$work/model.onnx" >/dev/null
    model="$work/model.onnx"
  fi
  "${bench[@]}" registry "$model" "$work/artifacts/mnist/models"
  route=/v1/predict
  ready=/readyz
  levels="1 8 64"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_ready() {
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$1$ready" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$1$ready" >/dev/null
}
# serve PORT ARTIFACTS [options]: runs the service over the registries in ARTIFACTS.
serve() {
  exec dotnet "$work/serve/digitforge-serve.dll" --port "$1" --artifacts "$2" --models-root "$2/mnist/models" "${@:3}"
}
port=$(free_port)
serve "$port" "$work/artifacts" >"$work/serve.log" 2>&1 &
server=$!
wait_ready "$port"

if [[ "$mode" == log ]]; then
  # A second artifacts folder of the same model, so the logging service's monitor.db is its own.
  cp -r "$work/artifacts" "$work/logged"
  logged_port=$(free_port)
  serve "$logged_port" "$work/logged" --prediction-log all >"$work/logged.log" 2>&1 &
  logged=$!
  wait_ready "$logged_port"
  echo "loadavg before: $(cat /proc/loadavg)  cores: $(nproc)"
  # Alternating which goes first (off-on, on-off, ...), so a drift in the machine's load favours neither.
  for round in $(seq "$rounds"); do
    order="off on"
    (( round % 2 == 0 )) && order="on off"
    for which in $order; do
      if [[ "$which" == off ]]; then
        echo "log off: $("${bench[@]}" load "http://127.0.0.1:$port" "$route" "$work/inputs" 8 "$seconds" 50000)" | tee -a "$work/rounds"
      else
        echo "log on:  $("${bench[@]}" load "http://127.0.0.1:$logged_port" "$route" "$work/inputs" 8 "$seconds" 50000)" | tee -a "$work/rounds"
      fi
    done
  done
  echo "loadavg after:  $(cat /proc/loadavg)"
  # Each service's own CPU (user + system, from /proc) per request it served, the warm-ups included.
  cpu_per_request() {
    local ticks requests
    ticks=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
    requests=$(grep "^$2" "$work/rounds" | sed 's/.* requests *\([0-9]*\) .*/\1/' | awk '{ n += $1 } END { print n }')
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.0f", t / hz / n * 1e6 }'
  }
  echo "service CPU a request: log off $(cpu_per_request "$server" "log off") us, log on $(cpu_per_request "$logged" "log on") us"
  median() { grep "^$1" "$work/rounds" | sed 's/.* p99 \([0-9.]*\) ms.*/\1/' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
  off=$(median "log off")
  on=$(median "log on")
  awk -v off="$off" -v on="$on" 'BEGIN { printf "median p99 at 8 clients: log off %.2f ms, log on %.2f ms, on/off %.3f\n", off, on, on / off }'
  kill "$logged" && wait "$logged" 2>/dev/null || true
  logged=
  echo "predictions recorded: $(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from predictions").fetchone()[0])' "$work/logged/${pipeline:-mnist}/monitor.db" 2>/dev/null || echo "(python3 sqlite3 unavailable)")"
  exit 0
fi

echo "loadavg before: $(cat /proc/loadavg)  cores: $(nproc)"
for clients in $levels; do
  "${bench[@]}" load "http://127.0.0.1:$port" "$route" "$work/inputs" "$clients" "$seconds" 50000
done
echo "loadavg after:  $(cat /proc/loadavg)"
echo "request log lines: $(grep -c '"EventId":1,' "$work/serve.log")"
grep '"EventId":1,' "$work/serve.log" | tail -n 1
