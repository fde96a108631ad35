#!/usr/bin/python3
"""Drives the ZooKeeper C client's cli_mt (zookeeper-bin) in batch mode ("cmd:<command>", one
process per command) against a server and checks each result. Usage: cli_mt_check.py HOST:PORT
[CLI_MT]. Prints "ALL OK"; any mismatch raises. Validated against Apache ZooKeeper 3.8."""
import re
import subprocess
import sys
import uuid

HOSTS = sys.argv[1]
CLI = sys.argv[2] if len(sys.argv) > 2 else "/usr/lib/zookeeper/bin/cli_mt"
N = "/climt-" + uuid.uuid4().hex[:8]


def run(command, *patterns):
    proc = subprocess.run([CLI, HOSTS, "cmd:" + command], capture_output=True, text=True, timeout=20)
    text = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise AssertionError(f"{command!r} exited {proc.returncode}:\n{text}")
    pos = 0
    for p in patterns:
        m = re.compile(p, re.M).search(text, pos)
        if m is None:
            raise AssertionError(f"{command!r}: expected {p!r} (in order) in:\n{text}")
        pos = m.end()
    print("ok", command, flush=True)
    return text


SESSION = r"Got a new session id: 0x[0-9a-f]+"
run(f"create {N}", SESSION, rf"^\[{N}\]: rc = 0$", rf"^\tname = {N}$")
run(f"set {N} hello", rf"^{N}: rc = 0 Stat:$", r"^\tversion=1\taversion=0$", r"^\tephemeralOwner = 0$")
run(f"get {N}", rf"^{N}: rc = 0$", r"^ value_len = 5$", r"^hello$", r"^\tversion=1\taversion=0$")
run(f"create {N}/kid", rf"^\[{N}/kid\]: rc = 0$")
run(f"ls2 {N}", rf"^{N}: rc = 0$", r"^\tkid$", r"^\tversion=1\taversion=0$")
run(f"delete {N}", rf"^{N}: rc = -111$")          # ZNOTEMPTY
run(f"delete {N}/kid", rf"^{N}/kid: rc = 0$")
run(f"ls {N}", rf"^{N}: rc = 0$")
run(f"delete {N}", rf"^{N}: rc = 0$")
run(f"get {N}", rf"^{N}: rc = -101$")             # ZNONODE
print("ALL OK", flush=True)
