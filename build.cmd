@echo off
rem Bootstrap: restore the pinned Cake tool, then run the stage graph in build\build.cake.
rem Usage: build.cmd --target=Evaluate [--config=configs\default.json] [--set=train.epochs=20 ...]
setlocal
cd /d "%~dp0"
set DOTNET_CLI_TELEMETRY_OPTOUT=1
set DOTNET_NOLOGO=1
set DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool restore >nul || exit /b 1
dotnet cake build\build.cake %*
exit /b %ERRORLEVEL%
