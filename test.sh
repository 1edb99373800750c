#!/usr/bin/env bash
# Sets up and runs every test of OpenElb Dashboard, then prints one line "N passed, N failed".
# Needs only the .NET 10 SDK; anything else the tests need is installed here (as root) or named (otherwise).
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export TESTINGPLATFORM_TELEMETRY_OPTOUT=1 MSBUILDTERMINALLOGGER=off

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
  exit 2
fi

# kubectl is the simulator tests' independent second client (the machines ship it as the apt package kubectl; on a
# machine without it, Debian's kubernetes-client) and builds deploy/kubernetes (kubectl kustomize); Debian's chromium
# runs the browser tests (Playwright drives it; its own browser download cannot reach the network here); Debian's
# docker-compose validates docker-compose.yml (`docker-compose config`, no Docker engine needed). Installed when
# running as root; otherwise named.
need=()
command -v kubectl >/dev/null 2>&1 || need+=(kubectl)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${need[*]}"
    apt-get update -qq >/dev/null
    pkgs=()
    for n in "${need[@]}"; do
      if [ "$n" = kubectl ] && ! apt-cache show kubectl >/dev/null 2>&1; then pkgs+=(kubernetes-client); else pkgs+=("$n"); fi
    done
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  else
    echo "test.sh: the tests need ${need[*]}: sudo apt-get install ${need[*]} (kubernetes-client where kubectl is not packaged)" >&2
    exit 2
  fi
fi

results=.test-results
rm -rf "$results"
mkdir -p "$results"

echo "test.sh: building (Release, warnings are errors)"
if ! dotnet build OpenElb.Dashboard.sln -c Release -nologo -v quiet -clp:NoSummary\;ErrorsOnly > "$results/build.log" 2>&1; then
  grep -E "error|Error" "$results/build.log" | sort -u | head -50 >&2 || cat "$results/build.log" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

echo "test.sh: running tests"
# Every test project through `dotnet test`, all at once, each writing its own named xUnit report (reports named by
# the default time stamp can overwrite each other when two projects start together).
status=0
pids=()
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  grep -q '<IsTestProject>false' "$project" && continue
  dotnet test --project "$project" -c Release --no-build --no-progress --results-directory "$PWD/$results" \
    --report-xunit-xml --report-xunit-xml-filename "$name.xml" > "$results/test-$name.log" 2>&1 &
  pids+=("$!")
done
for pid in "${pids[@]}"; do
  wait "$pid" || status=$?
done
cat "$results"/test-*.log > "$results/test.log"

echo "test.sh: benchmark smoke run (no timings asserted)"
smoke=0; e2e=0
dotnet run --project bench/OpenElb.Dashboard.Benchmarks -c Release --no-build -- --smoke > "$results/bench-smoke.log" 2>&1 || smoke=$?
# The end-to-end driver (issue 9) on the demo scenario: simulator and dashboard as processes, 2 hub clients, 1 Chromium wall.
dotnet run --project bench/OpenElb.Dashboard.EndToEnd -c Release --no-build -- --smoke > "$results/e2e-smoke.log" 2>&1 || e2e=$?

# Sum the xUnit XML reports of every test project.
passed=0; failed=0; skipped=0; assemblies=0
for report in "$results"/*.xml; do
  [ -e "$report" ] || continue
  while read -r line; do
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
    e=$(sed -n 's/.* errors="\([0-9]*\)".*/\1/p' <<<"$line")
    s=$(sed -n 's/.* skipped="\([0-9]*\)".*/\1/p' <<<"$line")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
    assemblies=$((assemblies + 1))
  done < <(grep -o '<assembly [^>]*>' "$report")
done

if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  grep -E "failed |error|Error|Assert|Exception|Expected|Actual|at OpenElb" "$results/test.log" | head -80 >&2 || true
fi
if [ "$smoke" -ne 0 ]; then
  echo "test.sh: benchmark smoke run failed:" >&2
  tail -30 "$results/bench-smoke.log" >&2
  failed=$((failed + 1))
fi
if [ "$e2e" -ne 0 ]; then
  echo "test.sh: end-to-end smoke run failed:" >&2
  tail -30 "$results/e2e-smoke.log" >&2
  failed=$((failed + 1))
fi
if [ "$assemblies" -lt "${#pids[@]}" ]; then
  echo "test.sh: only $assemblies of ${#pids[@]} test projects wrote a report (see $results/test-*.log)" >&2
  failed=$((failed + 1))
fi
if [ "$assemblies" -eq 0 ] || [ $((passed + failed)) -eq 0 ]; then
  echo "test.sh: no test ran (see $results/test.log)" >&2
  tail -20 "$results/test.log" >&2
  failed=$((failed + 1))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: the test run exited with $status (see $results/test.log)" >&2
  tail -20 "$results/test.log" >&2
  failed=1
fi

[ "$skipped" -gt 0 ] && echo "test.sh: $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
