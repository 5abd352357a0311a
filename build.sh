#!/usr/bin/env bash
# Bootstrap: restore the pinned Cake tool, then run the stage graph in build/build.cake.
# Usage: ./build.sh --target=Evaluate [--config=configs/mnist/default.json] [--set=train.epochs=20 ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset DIGITFORGE_LOCK_AHEAD DIGITFORGE_CAKE_TOOL   # set below for this build only

# Start the restored Cake tool directly: `dotnet cake` first starts the SDK to find the tool, about
# 0.5 s of every build. The version comes from the tool manifest, and the tool's newest build for a
# runtime that is installed is the one the host would pick. Anything unexpected takes the SDK's way.
version=$(sed -n '/"cake.tool"/,/}/s/.*"version": *"\([^"]*\)".*/\1/p' dotnet-tools.json)
runtimes="$(dirname "$(readlink -f "$(command -v dotnet)")")/shared/Microsoft.NETCore.App"
for tools in $(ls -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}/cake.tool/$version"/tools/net*.0 2>/dev/null | sort -Vr); do
  major=${tools##*/net}
  if compgen -G "$runtimes/${major%.0}.*" >/dev/null && [[ -f "$tools/any/Cake.dll" ]]; then
    # Once the CLI is compiled, the build's lock holder starts now, beside Cake rather than after
    # it: it takes the lock and checks every stage while Cake starts, and the script adopts it
    # (`digitforge lock-ahead`; it lets go by itself when the script does not want it).
    # These two short-lived processes start without W^X double mapping and tiered PGO, which cost
    # about 0.15 s of a no-op build's start; the script gives them back to every process it starts.
    export DIGITFORGE_RESTORE_DOTNET_EnableWriteXorExecute=${DOTNET_EnableWriteXorExecute-unset} DIGITFORGE_RESTORE_DOTNET_TieredPGO=${DOTNET_TieredPGO-unset}
    export DOTNET_EnableWriteXorExecute=0 DOTNET_TieredPGO=0
    if [[ -f build/bin/cli/digitforge.dll && -f build/bin/cli/sources.sha256 ]]; then
      ahead="$(mktemp -d "${TMPDIR:-/tmp}/digitforge-lock.XXXXXX")/lock.sock"
      dotnet build/bin/cli/digitforge.dll lock-ahead "$ahead" --pid $$ -- "$@" </dev/null >/dev/null 2>&1 &
      export DIGITFORGE_LOCK_AHEAD="$!:$ahead"
    fi
    # The build precompiles this Cake into build/bin/cake once (about 0.2 s of every start); that copy
    # is started when its stamp names this tool's folder.
    export DIGITFORGE_CAKE_TOOL="$tools/any"
    cake="$tools/any/Cake.dll"
    if [[ -f build/bin/cake/Cake.dll && -f build/bin/cake/source.txt && "$(< build/bin/cake/source.txt)" == "$DIGITFORGE_CAKE_TOOL" ]]; then
      cake=build/bin/cake/Cake.dll
    fi
    exec dotnet "$cake" build/build.cake "$@"
  fi
done
dotnet tool restore >/dev/null
exec dotnet cake build/build.cake "$@"
