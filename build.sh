#!/usr/bin/env bash
# Bootstrap: restore the pinned Cake tool, then run the build in build/build.cake.
# Usage: ./build.sh [--pipeline=mnist|hn] [--target=Evaluate] [--set=train.epochs=20 ...]; --target=Help lists the rest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset DIGITFORGE_CAKE_TOOL DIGITFORGE_PLANNER_FDS   # set below for this build only

# Start the restored Cake tool directly: `dotnet cake` first starts the SDK to find the tool, about
# 0.5 s of every build. The version comes from the tool manifest, and the tool's newest build for a
# runtime that is installed is the one the host would pick. Anything unexpected takes the SDK's way.
version=$(sed -n '/"cake.tool"/,/}/s/.*"version": *"\([^"]*\)".*/\1/p' dotnet-tools.json)
runtimes="$(dirname "$(readlink -f "$(command -v dotnet)")")/shared/Microsoft.NETCore.App"
for tools in $(ls -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}/cake.tool/$version"/tools/net*.0 2>/dev/null | sort -Vr); do
  major=${tools##*/net}
  if compgen -G "$runtimes/${major%.0}.*" >/dev/null && [[ -f "$tools/any/Cake.dll" ]]; then
    # Cake and the CLI's build planner start without W^X double mapping and tiered PGO, which cost
    # about 0.15 s of a no-op build's start; the script gives them back to every process it starts after.
    export DIGITFORGE_RESTORE_DOTNET_EnableWriteXorExecute=${DOTNET_EnableWriteXorExecute-unset} DIGITFORGE_RESTORE_DOTNET_TieredPGO=${DOTNET_TieredPGO-unset}
    export DOTNET_EnableWriteXorExecute=0 DOTNET_TieredPGO=0
    # The build precompiles this Cake into build/bin/cake once (about 0.2 s of every start); that copy
    # is started when its stamp names this tool's folder.
    export DIGITFORGE_CAKE_TOOL="$tools/any"
    cake="$tools/any/Cake.dll"
    if [[ -f build/bin/cake/Cake.dll && -f build/bin/cake/source.txt && "$(< build/bin/cake/source.txt)" == "$DIGITFORGE_CAKE_TOOL" ]]; then
      cake=build/bin/cake/Cake.dll
    fi
    # The CLI's build planner starts now, beside Cake, when it is compiled for this script: Cake reads
    # its plan on descriptor 3 and holds its input, descriptor 4, to the end. Otherwise the script starts it.
    cli=build/bin/cli
    if [[ -f $cli/digitforge.dll && -f $cli/build-plan.protocol && "$(< $cli/build-plan.protocol)" == "$(sed -n 's/^const string PlannerProtocol = "\(.*\)";$/\1/p' build/build.cake)" ]]; then
      channel=$(mktemp -d)
      mkfifo "$channel/plan" "$channel/input"
      dotnet $cli/digitforge.dll build-plan --root "$PWD" --cake-argv -- "$@" <"$channel/input" >"$channel/plan" &
      exec 4>"$channel/input" 3<"$channel/plan"
      rm -r "$channel"
      export DIGITFORGE_PLANNER_FDS=3,4
    fi
    exec dotnet "$cake" build/build.cake "$@"
  fi
done
dotnet tool restore >/dev/null
exec dotnet cake build/build.cake "$@"
