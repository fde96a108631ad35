#!/usr/bin/env bash
# Starts a 3-node Apache ZooKeeper ensemble (Debian's package) on loopback with its data under DIR,
# fsync on, and prints the three PIDs on one line. Client ports are PORT1,PORT2,PORT3; quorum and
# election ports are taken from the six PEER_PORTS. Stop it with kill on each PID.
# Usage: bench/zk-ensemble.sh PORT1,PORT2,PORT3 P1,P2,P3,P4,P5,P6 DIR [TICK_MS]
set -euo pipefail
IFS=, read -r -a client <<<"$1"
IFS=, read -r -a peer <<<"$2"
dir=$3 tick=${4:-2000}
servers=""
for i in 1 2 3; do
  servers+="server.$i=127.0.0.1:${peer[$(( (i - 1) * 2 ))]}:${peer[$(( (i - 1) * 2 + 1 ))]}"$'\n'
done
cp="/etc/zookeeper/conf:/usr/share/java/zookeeper.jar"
heap=${ZK_HEAP:-2g}
for i in 1 2 3; do
  d="$dir/zk$i"
  mkdir -p "$d/data"
  echo "$i" >"$d/data/myid"
  cat >"$d/zoo.cfg" <<CFG
tickTime=$tick
initLimit=10
syncLimit=5
dataDir=$d/data
clientPort=${client[$((i - 1))]}
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
forceSync=yes
4lw.commands.whitelist=*
$servers
CFG
  nohup java -Xmx"$heap" -Dzookeeper.root.logger=WARN,CONSOLE -cp "$cp" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$d/zoo.cfg" >"$d/zk.log" 2>&1 </dev/null &
  pids+=("$!")
done
echo "${pids[*]}"
