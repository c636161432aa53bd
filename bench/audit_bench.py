#!/usr/bin/env python3
"""The auditor's benchmark (issue 16, docs/audit.md): real `pv node start`, `pv audit serve` and
pv_loadgen processes on loopback.

1. Re-verification from genesis: a fresh node commits N pre-signed anchors (pv_loadgen), then
   an auditor started with --from-genesis re-executes the whole ledger; tx/s = log size / the
   time from the auditor answering HTTP (its witness key unlocked) to its verified log size
   reaching the node's; the time from its process start is printed too, with its CPU seconds.
   The limit is measured just before and just after (pv_loadgen --limit-only): Ed25519
   verifications per second of 1,024 distinct anchor signatures on one core and on all cores.
2. add-checkpoint: the node's current checkpoint POSTed to the auditor's witness, first from the
   empty tree (old 0), then 200 times with old size = its size (empty proof), sequentially;
   p50/p99 of those 200 answers and their status codes.
3. Lag behind the head under load: an auditor follows a 3-node cluster (scripts/cluster.sh)
   while pv_loadgen drives it; every 100 ms node 1's log size and the auditor's verified size for
   node 1 are sampled; a sample's lag is how long the oldest transaction node 1 committed and the
   auditor had not verified yet had been waiting (its time minus the first time node 1 showed a
   size above the verified size; 0 when the auditor had verified all). p50/p99 of those lags.

Usage: bench/audit_bench.py [--transactions N] [--cluster-transactions N] [--no-cluster]
                            [--only-cluster]
(bench/run.sh audit runs it after building).
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PV = os.path.join(ROOT, "build", "pv")
LOADGEN = os.path.join(ROOT, "build", "bench", "pv_loadgen")


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def wait_ok(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            get(url, 1)
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def checkpoint_size(node):
    note = get(node + "/v1/checkpoint").decode()
    return int(note.split("\n")[1])


def status(audit):
    return json.loads(get(audit + "/v1/status"))


def free_port():
    return 20000 + random.randrange(20000)


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def limit(env):
    """Ed25519 verifications per second, measured now (pv_loadgen --limit-only): 1,024 distinct
    anchor signatures on one core and on all cores, and one signature again and again."""
    out = subprocess.run([LOADGEN, "--limit-only"], capture_output=True, text=True, env=env,
                         check=True)
    return json.loads(out.stdout)


def percentile(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def start(argv, log, env):
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def auditor(env, tmp, name, genesis, nodes, extra=()):
    port = free_port()
    argv = [PV, "audit", "serve", "--data-dir", os.path.join(tmp, name), "--genesis", genesis,
            "--listen", f"127.0.0.1:{port}", "--poll-ms", "20", *extra]
    for n in nodes:
        argv += ["--node", n]
    proc = start(argv, open(os.path.join(tmp, name + ".log"), "w"), env)
    url = f"http://127.0.0.1:{port}"
    wait_ok(url + "/healthz")
    return proc, url


def reverify(env, tmp, n):
    port = free_port()
    node_url = f"http://127.0.0.1:{port}"
    node = start([PV, "node", "start", "--data-dir", os.path.join(tmp, "node"), "--listen",
                  f"127.0.0.1:{port}"], open(os.path.join(tmp, "node.log"), "w"), env)
    audit = None
    try:
        wait_ok(node_url + "/healthz")
        subprocess.run([LOADGEN, "--node", node_url, "-n", str(n), "-b", "500", "-c", "8",
                        "--json"], capture_output=True, text=True, env=env, check=True)
        size = checkpoint_size(node_url)
        print(f"== Re-verification from genesis: {size} transactions on one node; "
              f"load before: {load()} ==")
        before = limit(env)  # the limit just before and just after: the machine's speed drifts
        t0 = time.monotonic()
        audit, audit_url = auditor(env, tmp, "audit", os.path.join(tmp, "node", "genesis.json"),
                                   [node_url], ["--from-genesis"])
        t_up = time.monotonic()  # answering: witness key unlocked, replica opened
        cpu_up = cpu_seconds(audit.pid)
        while True:
            s = status(audit_url)["nodes"][0]
            if s.get("verifiedLogSize", 0) >= size:
                break
            if s.get("halted"):
                raise SystemExit("the auditor halted: " + json.dumps(s))
            time.sleep(0.02)
        t_end = time.monotonic()
        cpu = cpu_seconds(audit.pid) - cpu_up
        after = limit(env)
        one = (before["ed25519VerifyPerSecondOneCore"] + after["ed25519VerifyPerSecondOneCore"]) / 2
        allc = (before["ed25519VerifyPerSecondAllCores"] +
                after["ed25519VerifyPerSecondAllCores"]) / 2
        same = (before["ed25519VerifyOneSignaturePerSecondAllCores"] +
                after["ed25519VerifyOneSignaturePerSecondAllCores"]) / 2
        verify_seconds = t_end - t_up
        print(f"re-verified {size} transactions in {verify_seconds:.2f} s from the auditor "
              f"answering: {size / verify_seconds:,.0f} tx/s; {t_end - t0:.2f} s from its start "
              f"(unlocking its witness key included): {size / (t_end - t0):,.0f} tx/s")
        print(f"auditor CPU while re-verifying: {cpu:.2f} s ({cpu / verify_seconds:.2f} cores, "
              f"{cpu / size * 1e6:.1f} us per transaction; one Ed25519 verification costs "
              f"{1e6 / one:.1f} us here)")
        print(f"limit, same run (mean of just before and just after): Ed25519 verifications of "
              f"distinct anchor signatures {one:,.0f}/s on one core, {allc:,.0f}/s on all cores "
              f"(before {before['ed25519VerifyPerSecondAllCores']:,.0f}, after "
              f"{after['ed25519VerifyPerSecondAllCores']:,.0f}; one signature verified again "
              f"and again: {same:,.0f}/s); target 3/4 of all cores = {0.75 * allc:,.0f} tx/s: "
              f"{size / verify_seconds / (0.75 * allc):.0%} of it")
        print(f"load after: {load()}")

        # add-checkpoint latency against the same auditor's witness.
        note = get(node_url + "/v1/checkpoint").decode()
        times, codes = [], {}
        old = 0  # the witness has cosigned nothing of this log yet: from the empty tree
        for _ in range(201):
            body = f"old {old}\n\n{note}".encode()
            req = urllib.request.Request(audit_url + "/add-checkpoint", data=body, method="POST")
            t = time.monotonic()
            try:
                with urllib.request.urlopen(req, timeout=5) as r:
                    r.read()
                    code = r.status
            except urllib.error.HTTPError as e:
                code = e.code
            if old == 0:  # the first one moves the witness to this size; time the rest
                old = size
                continue
            times.append((time.monotonic() - t) * 1000)
            codes[code] = codes.get(code, 0) + 1
        print(f"add-checkpoint (old = size = {size}, empty proof), 200 sequential POSTs after "
              f"the first (old 0): "
              f"p50 {percentile(times, 50):.2f} ms, p99 {percentile(times, 99):.2f} ms; "
              f"answers {codes}")
    finally:
        stop(audit)
        stop(node)


def lag_under_load(env, tmp, n, samples_file=None):
    base = free_port()
    cenv = dict(env)
    cenv["PV_CLUSTER_DIR"] = os.path.join(tmp, "cluster")
    cenv["PV_BIN"] = PV
    cenv["PV_CLUSTER_PORTS"] = ",".join(str(base + i) for i in range(9))
    subprocess.run([os.path.join(ROOT, "scripts", "cluster.sh"), "start"], env=cenv, check=True,
                   stdout=subprocess.DEVNULL)
    nodes = [f"http://127.0.0.1:{base + 6 + i}" for i in range(3)]
    audit = None
    try:
        audit, audit_url = auditor(env, tmp, "audit-cluster",
                                   os.path.join(tmp, "cluster", "genesis.json"), nodes)
        print(f"== Lag behind the head: an auditor following 3 nodes while pv_loadgen commits "
              f"{n} anchors on the cluster; load before: {load()} ==")
        gen = subprocess.Popen([LOADGEN, "--node", ",".join(nodes), "-n", str(n), "-b", "500",
                                "-c", "8", "--json"], stdout=subprocess.PIPE, text=True, env=env)
        node_first = []  # (time, size) when node 1 first showed each size
        lags = []
        trace = []  # (seconds since start, node 1 size, verified size, lag)
        t_start = time.monotonic()
        while gen.poll() is None:
            now = time.monotonic()
            try:
                size = checkpoint_size(nodes[0])
                verified = status(audit_url)["nodes"][0].get("verifiedLogSize", 0)
            except Exception:
                time.sleep(0.1)
                continue
            if not node_first or size > node_first[-1][1]:
                node_first.append((now, size))
            # The lag: how long the oldest transaction that node 1 has committed and the auditor
            # has not verified has been waiting (0 when the auditor has verified all of them).
            waiting = [t for t, s in node_first if s > verified]
            if verified > 0:
                lags.append(max(0.0, now - waiting[0]) if waiting else 0.0)
                trace.append((round(now - t_start, 3), size, verified, round(lags[-1], 3)))
            time.sleep(0.1)
        out = gen.communicate()[0]
        rate = ""
        try:
            rate = f"; the cluster committed {json.loads(out)['committedTxPerSecond']:,.0f} tx/s"
        except Exception:
            pass
        print(f"{len(lags)} samples: lag p50 {percentile(lags, 50) * 1000:.0f} ms, "
              f"p99 {percentile(lags, 99) * 1000:.0f} ms, max {max(lags or [0]) * 1000:.0f} ms"
              f"{rate} (target p99 < 1 s)")
        print(f"load after: {load()}")
        if samples_file:
            with open(samples_file, "w") as f:
                json.dump(trace, f)
    finally:
        stop(audit)
        subprocess.run([os.path.join(ROOT, "scripts", "cluster.sh"), "clean"], env=cenv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--transactions", type=int, default=200000)
    ap.add_argument("--cluster-transactions", type=int, default=100000)
    ap.add_argument("--no-cluster", action="store_true")
    ap.add_argument("--only-cluster", action="store_true", help="only the lag behind a cluster")
    ap.add_argument("--samples", help="write the lag samples (time, size, verified, lag) here")
    a = ap.parse_args()
    env = dict(os.environ)
    env.setdefault("PV_NODE_PASSPHRASE", "bench node key passphrase")
    env.setdefault("PV_AUDIT_PASSPHRASE", "bench auditor passphrase")
    tmp = tempfile.mkdtemp(prefix="pv-audit-bench.")
    env["HOME"] = tmp
    env["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
    try:
        if not a.only_cluster:
            reverify(env, tmp, a.transactions)
            print()
        if not a.no_cluster:
            lag_under_load(env, tmp, a.cluster_transactions, a.samples)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
