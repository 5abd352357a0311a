# digitforge-serve: the HTTP prediction service with ONNX Runtime, no TorchSharp. Build from the repository root:
#   docker build -f deploy/docker/serve.Dockerfile -t <registry>/digitforge-serve:<tag> .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/DigitForge.Serve/DigitForge.Serve.csproj -c Release -o /app \
 && if find /app -iname '*torch*' | grep -q .; then echo "TorchSharp/libtorch in the serving image" >&2; exit 1; fi

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Recipe-only pipelines are found by their configs/<name>/pipeline.json (--root).
COPY --from=build /src/configs ./configs
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/digitforge-serve.dll"]
# The service listens on loopback by default; in a container it must listen on every interface.
# Arguments given to the container (Kubernetes' args) replace these.
CMD ["--urls", "http://0.0.0.0:8080", "--models-root", "/models", "--root", "/app"]
