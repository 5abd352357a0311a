#!/usr/bin/env bash
# Load benchmark of the published digitforge-serve on loopback (not a timed test).
# Usage: benchmarks/serve.sh [seconds] [model.onnx]
#   seconds  per level (default 10); each level also stops after 50,000 requests
#   model    an .onnx file; by default the default architecture trained for one epoch by
#            DigitForge.ScoringBench (same network as the pipeline's, so the same speed)
# Single-image POST /v1/predict (a 28x28 PNG, MNIST preprocessing on, request log on and written to
# a file) at 1, 8 and 64 concurrent clients. The load generator runs on the same machine and shares
# its cores with the service; give it an otherwise idle machine and quote /proc/loadavg with figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
seconds=${1:-10}
model=${2:-}
work=$(mktemp -d)
server=
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
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

"${scoring[@]}" pngs "$repo" "$work/pngs" 200
if [[ -z "$model" ]]; then
  echo "training the default architecture for one epoch (stand-in model)"
  "${scoring[@]}" model "$repo" "$work/model.onnx" >/dev/null
  model="$work/model.onnx"
fi
"${bench[@]}" registry "$model" "$work/models"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dotnet "$work/serve/digitforge-serve.dll" --port "$port" --models-root "$work/models" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null

echo "loadavg before: $(cat /proc/loadavg)  cores: $(nproc)"
for clients in 1 8 64; do
  "${bench[@]}" load "http://127.0.0.1:$port" "$work/pngs" "$clients" "$seconds" 50000
done
echo "loadavg after:  $(cat /proc/loadavg)"
echo "request log lines: $(grep -c '"EventId":1,' "$work/serve.log")"
grep '"EventId":1,' "$work/serve.log" | tail -n 1
