# digitforge-build: the repository with its CLI compiled, for pods that build (the members of a sweep,
# deploy/kubernetes/sweep-job.yaml). It holds TorchSharp and libtorch, unlike the scoring and serving
# images. Build from the repository root:
#   docker build -f deploy/docker/build.Dockerfile -t <registry>/digitforge-build:<tag> .
FROM mcr.microsoft.com/dotnet/sdk:10.0
# Packages outside root's home, so the non-root user below reads them.
ENV NUGET_PACKAGES=/nuget DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /repo
COPY . .
# The Graph target restores the packages, compiles build/bin/cli (patching TorchSharp's glue library
# where the image's libstdc++ needs it) and runs no stage; nothing built here ships in the image.
RUN ./build.sh --target=Graph && rm -rf artifacts && chown -R 1654:1654 /repo /nuget
# The images' built-in non-root user (UID 1654); Kubernetes' runAsNonRoot checks the number.
USER 1654
ENTRYPOINT ["dotnet", "/repo/build/bin/cli/digitforge.dll"]
