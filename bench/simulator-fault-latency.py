#!/usr/bin/env python3
"""Simulator fault latency: POST /admin/faults/router-down|router-up/{peer} -> the MODIFIED event of that BgpPeer
on a raw watch stream (issue 9). Measures the simulator alone (no dashboard): request sent -> event line read.

Usage (see bench/simulator-fault-latency.sh, which starts the simulator and runs this):
    python3 bench/simulator-fault-latency.py KUBECONFIG [--changes N] [--every SECONDS] [--peers leaf-010,leaf-020]

Reads the server URL, bearer token and CA from the kubeconfig the simulator writes. Opens
GET /apis/network.kubesphere.io/v1alpha2/bgppeers?watch=true&resourceVersion=<now>, then every --every seconds
alternately takes a router down / up (cycling over --peers) and times request -> the first MODIFIED event for that
peer whose status shows the expected sessionState on every key (ACTIVE after down, ESTABLISHED after up).
Prints one line per change and a summary (n, median, min, max, p90) in milliseconds. Python 3 standard library only.
"""
import argparse, base64, http.client, json, ssl, statistics, sys, tempfile, threading, time, urllib.parse, queue


def load_kubeconfig(path):
    # The simulator's kubeconfig is flat YAML written by Kubeconfig.Render: pick the three values by key.
    values = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip().lstrip("- ")
        for key in ("server", "token", "certificate-authority-data"):
            if line.startswith(key + ":"):
                values[key] = line.split(":", 1)[1].strip().strip('"')
    return values["server"], values["token"], values["certificate-authority-data"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kubeconfig")
    ap.add_argument("--changes", type=int, default=24)
    ap.add_argument("--every", type=float, default=2.0)
    ap.add_argument("--peers", default="leaf-010,leaf-042,leaf-077,leaf-111")
    args = ap.parse_args()
    server, token, ca = load_kubeconfig(args.kubeconfig)
    url = urllib.parse.urlparse(server)
    cafile = tempfile.NamedTemporaryFile("wb", suffix=".pem", delete=False)
    cafile.write(base64.b64decode(ca)); cafile.close()
    ctx = ssl.create_default_context(cafile=cafile.name)
    ctx.check_hostname = False
    headers = {"Authorization": "Bearer " + token}

    def conn():
        return http.client.HTTPSConnection(url.hostname, url.port, context=ctx, timeout=60)

    # The current resourceVersion, so the watch starts now (no synthetic ADDED events for all peers).
    c = conn()
    c.request("GET", "/apis/network.kubesphere.io/v1alpha2/bgppeers?limit=1", headers=headers)
    rv = json.loads(c.getresponse().read())["metadata"]["resourceVersion"]
    c.close()

    events = queue.Queue()  # (arrival perf_counter, name, set of session states)
    wc = conn()
    wc.request("GET", f"/apis/network.kubesphere.io/v1alpha2/bgppeers?watch=true&resourceVersion={rv}", headers=headers)
    wr = wc.getresponse()

    def reader():
        while True:
            line = wr.readline()
            if not line:
                return
            t = time.perf_counter()
            evt = json.loads(line)
            if evt["type"] != "MODIFIED":
                continue
            obj = evt["object"]
            states = {e.get("peerState", {}).get("sessionState") for e in (obj.get("status", {}).get("nodesPeerStatus") or {}).values()}
            events.put((t, obj["metadata"]["name"], states))

    threading.Thread(target=reader, daemon=True).start()
    admin = conn()
    peers = args.peers.split(",")
    results, others = [], 0
    for i in range(args.changes):
        peer = peers[(i // 2) % len(peers)]
        action, want = ("router-down", "ACTIVE") if i % 2 == 0 else ("router-up", "ESTABLISHED")
        t0 = time.perf_counter()
        admin.request("POST", f"/admin/faults/{action}/{peer}", body=b"", headers=headers)
        admin.getresponse().read()
        deadline = t0 + 10
        got = None
        while got is None:
            try:
                t, name, states = events.get(timeout=max(0.01, deadline - time.perf_counter()))
            except queue.Empty:
                break
            if name == peer and states == {want}:
                got = t
            else:
                others += 1
        ms = (got - t0) * 1000 if got else None
        results.append(ms)
        print(f"{i + 1:3d} {action:11s} {peer}: " + (f"{ms:7.1f} ms" if ms is not None else "TIMEOUT"), flush=True)
        time.sleep(max(0.0, args.every - (time.perf_counter() - t0)))
    ok = sorted(r for r in results if r is not None)
    if ok:
        p90 = ok[min(len(ok) - 1, int(0.9 * len(ok)))]
        print(f"n={len(ok)} timeouts={len(results) - len(ok)} median={statistics.median(ok):.1f} ms "
              f"min={ok[0]:.1f} max={ok[-1]:.1f} p90={p90:.1f} other-MODIFIED-events={others}")
    return 0 if len(ok) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
