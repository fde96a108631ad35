#!/usr/bin/env python3
"""Prints the one side-by-side table of bench/compare.sh from the JSON files in its output directory:
a row per measure, a column per server, and the ratio Corral / ZooKeeper."""
import json, os, platform, subprocess, sys

out = sys.argv[1]
WORKLOADS = [("read", "reads (getData)"), ("write", "writes (setData)"),
             ("mix", "90/10 mix"), ("create-delete", "create-delete")]


def load(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def num(v, fmt="{:,.0f}"):
    return "n/a" if v is None else fmt.format(v)


def ratio(corral, zk):
    return "n/a" if corral is None or zk in (None, 0) else f"{corral / zk:.2f}"


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        return "?"


cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
loadavg = " ".join(open("/proc/loadavg").read().split()[:3])
mem_gib = int(sh("awk '/MemTotal/ {print $2}' /proc/meminfo") or 0) / 1024 / 1024
print(f"Machine: {os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB RAM, Linux {platform.release()}, "
      f".NET {sh('dotnet --version')}, {sh('java -version 2>&1 | head -1')}. Client and servers share the machine; "
      f"load average at the end of the run: {loadavg}.")
print()
mode = open(os.path.join(out, "mode")).read().strip() if os.path.exists(os.path.join(out, "mode")) else "standalone"
first = load("zk-read.json") or load("corral-read.json")
if first:
    print(f"Workloads: {first['clients']} sessions x window {first['window']}, {first['size']} B values over "
          f"{first['keys']} keys, {first['duration_seconds']:.0f} s measured after {first['warmup_seconds']:.0f} s warm-up; "
          f"fsync on, tickTime 2000, {mode}. Memory: znodes of 100 B. Ratio = Corral / ZooKeeper.")
    print()

rows = []   # (measure, zk value, corral value, format)
errors = {"zk": 0, "corral": 0}
for key, label in WORKLOADS:
    z, c = load(f"zk-{key}.json"), load(f"corral-{key}.json")
    if z is None and c is None:
        continue
    get = lambda r, *path: None if r is None else (r[path[0]] if len(path) == 1 else r[path[0]][path[1]])
    rows.append((f"{label}: ops/s", get(z, "throughput"), get(c, "throughput"), "{:,.0f}"))
    rows.append((f"{label}: p50 ms", get(z, "latency", "p50_ms"), get(c, "latency", "p50_ms"), "{:.2f}"))
    rows.append((f"{label}: p99 ms", get(z, "latency", "p99_ms"), get(c, "latency", "p99_ms"), "{:.2f}"))
    rows.append((f"{label}: server CPU µs/op", get(z, "server_cpu_micros_per_op"), get(c, "server_cpu_micros_per_op"), "{:.1f}"))
    for s, r in (("zk", z), ("corral", c)):
        errors[s] += 0 if r is None else r["error_total"]

mems = {"zk": {}, "corral": {}}
gc = {}
for s in mems:
    for f in sorted(os.listdir(out)):
        if f.startswith(f"{s}-mem-") and f.endswith(".json"):
            d = load(f)
            if "znodes" in d:
                mems[s][d["znodes"]] = d["rss_kb"] * 1024
                if s == "zk" and d.get("rss_after_gc_kb"):
                    gc[d["znodes"]] = d["rss_after_gc_kb"] * 1024
            else:
                mems[s][0] = d["empty_rss_kb"] * 1024
    for f in os.listdir(out):
        if f.startswith(f"{s}-load-") and f.endswith(".json"):
            errors[s] += load(f)["error_total"]
counts = sorted({n for m in mems.values() for n in m if n > 0})
if counts:
    mib = lambda s, n: None if n not in mems[s] else mems[s][n] / 2**20
    rows.append(("RSS of the empty server, MiB", mib("zk", 0), mib("corral", 0), "{:.0f}"))
    for n in counts:
        per = lambda s: None if n not in mems[s] else mems[s][n] / n
        rows.append((f"RSS with {n:,} znodes, MiB", mib("zk", n), mib("corral", n), "{:.0f}"))
        rows.append((f"RSS per znode at {n:,} znodes, bytes", per("zk"), per("corral"), "{:,.0f}"))

restarts = {s: load(f"{s}-restart.json") for s in ("zk", "corral")}
if any(restarts.values()):
    n = next(r for r in restarts.values() if r)["znodes"]
    sec = lambda s, k: None if not restarts[s] or restarts[s].get(k) is None else restarts[s][k] / 1000
    rows.append((f"restart with {n:,} znodes after a clean stop, s", sec("zk", "restart_ms"), sec("corral", "restart_ms"), "{:.2f}"))
    rows.append((f"restart with {n:,} znodes after kill -9, s", sec("zk", "restart_after_kill_ms"), sec("corral", "restart_after_kill_ms"), "{:.2f}"))

print("| measure | ZooKeeper 3.8 | Corral | Corral / ZK |")
print("|---|---:|---:|---:|")
for measure, z, c, fmt in rows:
    print(f"| {measure} | {num(z, fmt)} | {num(c, fmt)} | {ratio(c, z)} |")
print(f"| errors in all bench runs | {errors['zk']} | {errors['corral']} | |")
print()
print("RSS per znode = resident set size after loading / znodes (the empty server's own footprint included). "
      "Restart = from process start until a read of the last loaded znode succeeds.")
if gc:
    after = ", ".join(f"{n:,} znodes: {gc[n] / 2**20:.0f} MiB = {gc[n] / n:,.0f} bytes/znode" for n in counts if n in gc)
    print(f"ZooKeeper right after a forced full GC (jcmd GC.run): {after}.")
for s, label in (("zk", "ZooKeeper"), ("corral", "Corral")):
    if restarts[s] and restarts[s].get("note"):
        print(f"{label}: {restarts[s]['note']}.")
