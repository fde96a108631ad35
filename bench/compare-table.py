#!/usr/bin/env python3
"""Prints the side-by-side table of bench/compare.sh from the JSON files in its output directory."""
import json, os, platform, subprocess, sys

out = sys.argv[1]
SERVERS = [("zk", "ZooKeeper 3.8"), ("corral", "Corral")]
WORKLOADS = [("read", "100% reads (getData)"), ("write", "100% writes (setData)"),
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
mem_gib = int(sh("awk '/MemTotal/ {print $2}' /proc/meminfo") or 0) / 1024 / 1024
print(f"Machine: {os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB RAM, Linux {platform.release()}, "
      f".NET {sh('dotnet --version')}, {sh('java -version 2>&1 | head -1')}. Client and servers share the machine.")
print()
mode = open(os.path.join(out, "mode")).read().strip() if os.path.exists(os.path.join(out, "mode")) else "standalone"
first = load("zk-read.json") or load("corral-read.json")
if first:
    print(f"Workloads: {first['clients']} sessions x window {first['window']}, {first['size']} B values over "
          f"{first['keys']} keys, {first['duration_seconds']:.0f} s measured after {first['warmup_seconds']:.0f} s warm-up; "
          f"fsync on, tickTime 2000, {mode}. Ratio = Corral / ZooKeeper.")
    print()
print("| workload | ZK ops/s | Corral ops/s | ratio | ZK p50 ms | Corral p50 ms | ZK p99 ms | Corral p99 ms | ratio | "
      "ZK CPU µs/op | Corral CPU µs/op | ratio | errors ZK / Corral |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
errors = 0
for key, label in WORKLOADS:
    z, c = load(f"zk-{key}.json"), load(f"corral-{key}.json")
    g = lambda r, *path: None if r is None else (r[path[0]] if len(path) == 1 else r[path[0]][path[1]])
    for r in (z, c):
        errors += 0 if r is None else r["error_total"]
    print(f"| {label} | {num(g(z,'throughput'))} | {num(g(c,'throughput'))} | {ratio(g(c,'throughput'), g(z,'throughput'))} "
          f"| {num(g(z,'latency','p50_ms'),'{:.2f}')} | {num(g(c,'latency','p50_ms'),'{:.2f}')} "
          f"| {num(g(z,'latency','p99_ms'),'{:.2f}')} | {num(g(c,'latency','p99_ms'),'{:.2f}')} "
          f"| {ratio(g(c,'latency','p99_ms'), g(z,'latency','p99_ms'))} "
          f"| {num(g(z,'server_cpu_micros_per_op'),'{:.1f}')} | {num(g(c,'server_cpu_micros_per_op'),'{:.1f}')} "
          f"| {ratio(g(c,'server_cpu_micros_per_op'), g(z,'server_cpu_micros_per_op'))} "
          f"| {num(g(z,'error_total'))} / {num(g(c,'error_total'))} |")

mems = {s: {} for s, _ in SERVERS}
gc = {s: {} for s, _ in SERVERS}
for s, _ in SERVERS:
    for f in os.listdir(out):
        if f.startswith(f"{s}-mem-") and f.endswith(".json"):
            d = load(f)
            if "znodes" in d:
                mems[s][d["znodes"]] = d["rss_kb"] * 1024
                if d.get("rss_after_gc_kb"):
                    gc[s][d["znodes"]] = d["rss_after_gc_kb"] * 1024
            else:
                mems[s][0] = d["empty_rss_kb"] * 1024
counts = sorted({n for s in mems.values() for n in s if n > 0})
if counts:
    print()
    print("| resident memory, znodes of 100 B | ZK RSS MiB | ZK bytes/znode | Corral RSS MiB | Corral bytes/znode | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    row = lambda s, n: (mems[s].get(n), None if mems[s].get(n) is None or n == 0 else mems[s][n] / n)
    zb, cb = mems["zk"].get(0), mems["corral"].get(0)
    print(f"| empty server | {num(zb and zb / 2**20, '{:.0f}')} | | {num(cb and cb / 2**20, '{:.0f}')} | | |")
    for n in counts:
        (zr, zp), (cr, cp) = row("zk", n), row("corral", n)
        print(f"| {n:,} | {num(zr and zr / 2**20, '{:.0f}')} | {num(zp)} | {num(cr and cr / 2**20, '{:.0f}')} | {num(cp)} | {ratio(cp, zp)} |")
    print()
    print("bytes/znode = resident set size after loading / znodes (the empty server's own footprint included).")
    if gc["zk"]:
        after = ", ".join(f"{n:,} znodes: {gc['zk'][n] / 2**20:.0f} MiB = {gc['zk'][n] / n:,.0f} bytes/znode"
                          for n in counts if n in gc["zk"])
        print(f"ZooKeeper right after a forced full GC (jcmd GC.run): {after}.")
    for s, label in SERVERS:
        for n in counts:
            l = load(f"{s}-load-{n}.json")
            if l:
                errors += l["error_total"]

restarts = {s: load(f"{s}-restart.json") for s, _ in SERVERS}
if any(restarts.values()):
    z, c = restarts["zk"], restarts["corral"]
    n = (z or c)["znodes"]
    print()
    print(f"| restart holding {n:,} znodes (process start to first read served) | ZK s | Corral s | ratio |")
    print("|---|---:|---:|---:|")
    zs = z and z["restart_ms"] is not None and z["restart_ms"] / 1000 or None
    cs = c and c["restart_ms"] is not None and c["restart_ms"] / 1000 or None
    print(f"| restart | {num(zs, '{:.2f}')} | {num(cs, '{:.2f}')} | {ratio(cs, zs)} |")
    for s, label in SERVERS:
        if restarts[s] and restarts[s].get("note"):
            print(f"\n{label}: {restarts[s]['note']}.")

print()
print(f"errors in all bench runs: {errors}")
