# digitforge-score: batch scoring with ONNX Runtime, no TorchSharp. Build from the repository root:
#   docker build -f deploy/docker/score.Dockerfile -t <registry>/digitforge-score:<tag> .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/DigitForge.ScoreTool/DigitForge.ScoreTool.csproj -c Release -o /app \
 && if find /app -iname '*torch*' | grep -q .; then echo "TorchSharp/libtorch in the scoring image" >&2; exit 1; fi

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
# The images' built-in non-root user (UID 1654); Kubernetes' runAsNonRoot checks the number.
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/digitforge-score.dll"]
