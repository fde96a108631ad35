#!/usr/bin/env bash
# Installs the Debian packages the interop tests drive (real ZooKeeper peers) when they are missing.
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail
need=()
[ -x /usr/share/zookeeper/bin/zkServer.sh ] || need+=(zookeeper)
/usr/bin/python3 -c 'import kazoo' 2>/dev/null || need+=(python3-kazoo)
# cli_mt is not on PATH: Debian puts it in /usr/lib/zookeeper/bin (InteropScripts.CliMt).
[ -x /usr/lib/zookeeper/bin/cli_mt ] || need+=(zookeeper-bin)
[ -f /usr/include/zookeeper/zookeeper.h ] || need+=(libzookeeper-mt-dev)
# Monitoring interop (docs/operations.md): zktop driven through pyte, mntr through nc, /metrics through prometheus_client.
[ -f /usr/lib/python3/dist-packages/zktop.py ] || need+=(zktop)
/usr/bin/python3 -c 'import pyte' 2>/dev/null || need+=(python3-pyte)
/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null || need+=(python3-prometheus-client)
command -v nc >/dev/null 2>&1 || need+=(netcat-openbsd)
# Curator interop (tests/Corral.Server.Tests/interop/CuratorCheck.java, compiled with javac at test time).
[ -f /usr/share/java/curator-framework.jar ] || need+=(libcurator-framework-java)
[ -f /usr/share/java/curator-recipes.jar ] || need+=(libcurator-recipes-java)
[ -f /usr/share/java/curator-client.jar ] || need+=(libcurator-client-java)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
