#!/usr/bin/env bash
# Bootstrap: restore the pinned Cake tool, then run the stage graph in build/build.cake.
# Usage: ./build.sh --target=Evaluate [--config=configs/mnist/default.json] [--set=train.epochs=20 ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool restore >/dev/null
exec dotnet cake build/build.cake "$@"
