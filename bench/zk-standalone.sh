#!/usr/bin/env bash
# Starts Apache ZooKeeper (Debian's package) standalone on 127.0.0.1:PORT with its data in DIR,
# fsync on (ZooKeeper's default, forceSync=yes), and prints its PID. Stop it with kill PID.
# Usage: bench/zk-standalone.sh PORT DIR [TICK_MS]
set -euo pipefail
port=$1 dir=$2 tick=${3:-2000}
"$(dirname "$0")/standalone-zoo-cfg.sh" "$port" "$dir" "$tick"
cp="/etc/zookeeper/conf:/usr/share/java/zookeeper.jar"
# The same heap the stock zkServer.sh gives ZooKeeper by default (ZK_SERVER_HEAP=1000 MB) would not
# hold 1M znodes; allow ZK_HEAP to raise it. Its RSS is measured as it is.
heap=${ZK_HEAP:-2g}
nohup java -Xmx"$heap" -Dzookeeper.root.logger=WARN,CONSOLE -cp "$cp" \
  org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zoo.cfg" > "$dir/zk.log" 2>&1 < /dev/null &
echo $!
