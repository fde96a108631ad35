#!/usr/bin/env bash
# Writes DIR/zoo.cfg with the standalone settings both benchmarked servers get, so Apache ZooKeeper
# (bench/zk-standalone.sh) and Corral (bench/servers.sh) run with the same keys: loopback only,
# fsync on (forceSync=yes), the same tickTime, no admin server, every four-letter word allowed.
# Usage: bench/standalone-zoo-cfg.sh PORT DIR [TICK_MS]    (data goes to DIR/data)
set -euo pipefail
port=$1 dir=$2 tick=${3:-2000}
mkdir -p "$dir/data"
cat >"$dir/zoo.cfg" <<CFG
tickTime=$tick
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
forceSync=yes
4lw.commands.whitelist=*
CFG
