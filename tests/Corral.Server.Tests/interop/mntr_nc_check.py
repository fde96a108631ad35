#!/usr/bin/env python3
"""`echo mntr | nc host port`, as monitoring scripts do it, parsed as they parse it: one
"zk_key<TAB>value" per line. Usage: mntr_nc_check.py host:port"""
import subprocess, sys

host, port = sys.argv[1].split(":")
out = subprocess.run(["/bin/sh", "-c", "echo mntr | nc -q 5 %s %s" % (host, port)],
                     capture_output=True, text=True, timeout=30).stdout
values = {}
for line in out.splitlines():
    key, sep, value = line.partition("\t")
    if not sep or not key.startswith("zk_"):
        print("FAILED: not a key<TAB>value line: %r" % line)
        sys.exit(1)
    values[key] = value
for key in ["zk_version", "zk_server_state", "zk_znode_count", "zk_watch_count", "zk_ephemerals_count",
            "zk_num_alive_connections", "zk_outstanding_requests", "zk_avg_latency", "zk_packets_received"]:
    if key not in values:
        print("FAILED: missing %s in:\n%s" % (key, out))
        sys.exit(1)
if values["zk_server_state"] != "standalone" or int(values["zk_znode_count"]) < 1 or float(values["zk_avg_latency"]) < 0:
    print("FAILED: unexpected values %r" % values)
    sys.exit(1)
print("ALL OK")
