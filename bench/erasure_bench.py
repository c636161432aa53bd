#!/usr/bin/env python3
"""Erasure across a cluster (issue 17, docs/erasure.md): real `pv` processes on a local 3-node
cluster (scripts/cluster.sh: 3 etcd members, 3 nodes).

A doctor adds R records of S MiB of random bytes for one patient through node 1; the patient
erases each through node 2 (`pv record erase`), one after the other. For each erasure: the time
from the erase transaction's block to the block of the last of the three nodes' erasure receipts
(ledger times, from `pv record erasure-status`), and the wall time from starting `pv record
erase` to the status showing three receipts (polled every 100 ms). The limit, same run: the wall
time of `pv record erase` itself (sign, submit, order through etcd, commit, answer), which every
receipt then repeats once per node after erasing and compacting.

Usage: bench/erasure_bench.py [--records R] [--mib S]   (bench/run.sh erasure runs it)
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PV = os.path.join(ROOT, "build", "pv")


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def percentile(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))] if v else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=10)
    ap.add_argument("--mib", type=int, default=4)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="pv-erasure-bench.")
    env = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "config"),
               PV_WALLET=os.path.join(tmp, "wallet"), PV_PASSPHRASE="erasure bench passphrase",
               PV_WALLET_KDF="interactive", PV_CLUSTER_DIR=os.path.join(tmp, "cluster"),
               PV_BIN=PV)
    base = 20000 + random.randrange(20000)
    env["PV_CLUSTER_PORTS"] = ",".join(str(base + i) for i in range(9))
    nodes = [f"http://127.0.0.1:{base + 6 + i}" for i in range(3)]

    def pv(*args, node=0):
        out = subprocess.run([PV, *args, "--node", nodes[node], "--json"], capture_output=True,
                             text=True, env=env)
        if out.returncode != 0:
            raise SystemExit(f"pv {' '.join(args)}: {out.stderr.strip()}")
        return json.loads(out.stdout)

    cluster = os.path.join(ROOT, "scripts", "cluster.sh")
    try:
        subprocess.run([cluster, "start"], env=env, check=True, stdout=subprocess.DEVNULL)
        # Every node must know its two peers before a record can be replicated to one of them.
        deadline = time.time() + 60
        for url in nodes:
            while b"\npv_cluster_peers 2" not in urllib.request.urlopen(url + "/metrics",
                                                                       timeout=10).read():
                if time.time() > deadline:
                    sys.exit(f"{url} did not find its peers within 60 s")
                time.sleep(0.2)
        for name in ("alice", "dr-ben"):
            subprocess.run([PV, "id", "create", "--name", name], env=env, check=True,
                           stdout=subprocess.DEVNULL)
        with urllib.request.urlopen(nodes[0] + "/v1/organizations", timeout=10) as r:
            org = json.loads(r.read())["organizations"][0]["did"]
        print(f"== Erasure on a 3-node cluster: {a.records} records of {a.mib} MiB, "
              f"erased one after the other; load before: {load()} ==")
        ids = []
        for i in range(a.records):
            path = os.path.join(tmp, f"scan-{i}.dcm")
            with open(path, "wb") as f:
                f.write(os.urandom(a.mib << 20))
            added = pv("record", "add", path, "--as", "dr-ben", "--patient", "alice", "--org", org,
                       "--category", "ImagingStudy")
            ids.append(added["record"]["id"])
            os.remove(path)
        wall_ms, erase_ms = [], []
        for rid in ids:
            t0 = time.monotonic()
            for attempt in range(50):  # node 2 may not have applied the anchor's block yet
                try:
                    pv("record", "erase", rid, "--as", "alice", node=1)
                    break
                except SystemExit:
                    if attempt == 49:
                        raise
                    time.sleep(0.1)
            erase_ms.append((time.monotonic() - t0) * 1000)
            status = {}
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                status = pv("record", "erasure-status", rid, "--as", "alice")
                if len(status.get("receipts", [])) == 3:
                    break
            if len(status.get("receipts", [])) != 3:
                raise SystemExit(f"record {rid}: not every node confirmed within 120 s: "
                                 + json.dumps(status))
            wall_ms.append((time.monotonic() - t0) * 1000)
            if not all(r.get("compacted") for r in status["receipts"]):
                raise SystemExit(f"record {rid}: a node confirmed without compacting: "
                                 + json.dumps(status))
        print(f"`pv record erase` started to the three nodes' receipts shown (wall): "
              f"p50 {percentile(wall_ms, 50):.0f} ms, max {max(wall_ms):.0f} ms")
        print(f"limit, same run: `pv record erase` alone (sign, submit, order, commit): "
              f"p50 {percentile(erase_ms, 50):.0f} ms, max {max(erase_ms):.0f} ms")
        print(f"load after: {load()}")
    finally:
        subprocess.run([cluster, "clean"], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
