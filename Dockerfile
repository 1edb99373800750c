# OpenELB Dashboard: build with the SDK, run on the ASP.NET runtime as a non-root user.
#   docker build -t openelb-dashboard .
#   docker compose up            (see docker-compose.yml; `--profile demo up demo` runs the built-in simulator)
# The SDK stage runs on the build machine's platform and publishes for the target's (buildx sets TARGETARCH).
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
# Restore first (cached while only sources change).
COPY Directory.Build.props Directory.Packages.props .editorconfig global.json* NuGet.config* ./
COPY src/ src/
COPY wwwroot-assets/ wwwroot-assets/
# ReadyToRun: the assemblies ship precompiled, so a cold start JITs far less (5,000-node cold start to complete
# topology 4.6 -> 3.5 s on 2 cores, BENCHMARKS.md run J). It needs a runtime identifier; -a maps amd64/arm64.
RUN dotnet publish src/OpenElb.Dashboard/OpenElb.Dashboard.csproj -c Release -a ${TARGETARCH:-amd64} --self-contained false -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl for the health check only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data \
    && chown app:app /data
WORKDIR /app
COPY --from=build /app ./
# The audit log (SQLite, WAL) lives on the /data volume; the image's `app` user (non-root) owns it.
ENV ASPNETCORE_URLS=http://+:8080 \
    Audit__DatabasePath=/data/audit.db \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
VOLUME /data
EXPOSE 8080
USER app
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD curl -fsS http://localhost:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "OpenElb.Dashboard.dll"]
