#!/usr/bin/env bash
# Starts and stops the servers the benchmarks compare, Apache ZooKeeper 3.8 (Debian's package) and
# Corral, standalone on 127.0.0.1 with equivalent settings: the same zoo.cfg keys (fsync on —
# forceSync=yes —, the same tickTime, no admin server, every four-letter word allowed).
#
# As a command:
#   bench/servers.sh build                            build corral (Release); prints its path
#   bench/servers.sh start zk|corral PORT DIR [TICK]  start in the background, wait until it serves
#                                                     a read of /, print its PID
#   bench/servers.sh stop PID [--kill]                SIGTERM and wait for the exit (SIGKILL after
#                                                     30 s); --kill: SIGKILL at once, like a crash
#   bench/servers.sh free-port                        print a free TCP port on 127.0.0.1
# Sourced (`. bench/servers.sh`), the same as functions: corral_build, server_start (sets
# server_pid, does not wait), server_wait_ready PORT [PATH] [TIMEOUT_S] (prints the Unix ms at
# which a read of PATH first worked), server_stop PID [--kill], free_port, rss_kb PID.
# A server's output goes to DIR/server.log (Corral) or DIR/zk.log (ZooKeeper).

servers_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corral="$servers_repo/src/Corral.Cli/bin/Release/net10.0/corral"

corral_build() {
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$servers_repo/src/Corral.Cli" -c Release -nologo -v:q
}

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# server_start NAME PORT DIR [TICK_MS]: starts the server in the background and sets server_pid.
server_start() {
  local name=$1 port=$2 dir=$3 tick=${4:-2000}
  mkdir -p "$dir"
  case "$name" in
    zk) server_pid=$("$servers_repo/bench/zk-standalone.sh" "$port" "$dir" "$tick") ;;
    corral)
      # The same zoo.cfg ZooKeeper gets: Corral reads zoo.cfg too.
      "$servers_repo/bench/standalone-zoo-cfg.sh" "$port" "$dir" "$tick"
      [ -x "$corral" ] || { echo "servers.sh: $corral is not built (bench/servers.sh build)" >&2; return 1; }
      nohup "$corral" server --config "$dir/zoo.cfg" >>"$dir/server.log" 2>&1 </dev/null &
      server_pid=$!
      # Not a job of this shell: a kill -9 then prints no "Killed" line (bash still reaps it).
      disown "$server_pid" 2>/dev/null || true
      ;;
    *) echo "servers.sh: unknown server $name (zk or corral)" >&2; return 1 ;;
  esac
}

server_wait_ready() {
  "$corral" bench wait-ready --hosts "127.0.0.1:$1" --path "${2:-/}" --timeout "${3:-120}" | sed -n 's/^ready_unix_ms=//p'
  return "${PIPESTATUS[0]}"
}

# server_stop PID [--kill]: a clean stop (SIGTERM, then SIGKILL after 30 s), or a crash with --kill.
server_stop() {
  local pid=$1 signal=TERM
  [ "${2:-}" = --kill ] && signal=KILL
  kill -s "$signal" "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    build) corral_build >&2; echo "$corral" ;;
    start)
      [ $# -ge 4 ] || { echo "usage: $0 start zk|corral PORT DIR [TICK_MS]" >&2; exit 1; }
      server_start "$2" "$3" "$4" "${5:-2000}"
      if ! server_wait_ready "$3" / 120 >/dev/null; then
        echo "servers.sh: $2 did not serve a read within 120 s (logs in $4)" >&2
        server_stop "$server_pid" --kill
        exit 1
      fi
      echo "$server_pid"
      ;;
    stop) [ $# -ge 2 ] || { echo "usage: $0 stop PID [--kill]" >&2; exit 1; }; server_stop "$2" "${3:-}" ;;
    free-port) free_port ;;
    *) sed -n '2,19p' "$0"; exit 1 ;;
  esac
fi
