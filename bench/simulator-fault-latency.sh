#!/usr/bin/env bash
# Simulator fault latency (issue 9): how long from POST /admin/faults/router-down|router-up/{peer} until the BgpPeer's
# MODIFIED event arrives on a raw watch stream, in the 'large' scenario (5,000 nodes, 125 BgpPeers), simulator alone.
#
#   dotnet build OpenElb.Dashboard.sln -c Release -v q
#   bench/simulator-fault-latency.sh [SIMULATOR_DLL] [CHANGES]
#
# SIMULATOR_DLL defaults to this tree's Release build; CHANGES (default 24) alternate down/up every 2 s over four
# leaf routers. Starts the simulator with --port 0 --kubeconfig in a temporary directory, waits for the kubeconfig,
# waits 20 s for the start-up passes to settle, runs bench/simulator-fault-latency.py, prints `uptime` before and after,
# and stops the simulator it started (by its pid only).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dll="${1:-$here/src/OpenElb.Dashboard.Simulator/bin/Release/net10.0/OpenElb.Dashboard.Simulator.dll}"
changes="${2:-24}"
work="$(mktemp -d /tmp/simbench.XXXXXX)"
dotnet "$dll" --scenario large --port 0 --kubeconfig "$work/kubeconfig" >"$work/simulator.log" 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do [[ -s "$work/kubeconfig" ]] && break; sleep 0.1; done
[[ -s "$work/kubeconfig" ]] || { echo "simulator did not write a kubeconfig" >&2; cat "$work/simulator.log" >&2; exit 1; }
sleep 20
echo "dll: $dll"
echo "load before: $(uptime)"
python3 "$here/bench/simulator-fault-latency.py" "$work/kubeconfig" --changes "$changes"
echo "load after:  $(uptime)"
