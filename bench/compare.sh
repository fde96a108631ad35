#!/usr/bin/env bash
# Side-by-side benchmark of Apache ZooKeeper 3.8 (Debian's package) and Corral on loopback.
#
# For each server: start it standalone with equivalent settings (fsync on, same tickTime), run the
# same workloads with `corral bench` (100% reads, 100% writes, 90/10 mix, create-delete) charging
# the server's CPU time from /proc to each operation, then restart it empty, load 100k and 1M
# znodes of 100 bytes measuring resident memory, and time two restarts holding them: after a
# clean stop (SIGTERM) and after kill -9. Servers are started and stopped by bench/servers.sh.
# Prints one side-by-side table (also written to OUT/compare.md, raw JSON beside it). Every bench
# run must report zero errors and every restart must serve the last znode; any failure makes the
# script exit non-zero.
#
# Usage: bench/compare.sh [--quick] [--servers zk,corral] [--duration S] [--warmup S]
#                         [--clients N] [--window N] [--znodes "100000 1000000"] [--no-memory]
#                         [--ensemble] [--out DIR]
#   --ensemble  3-node ensembles on loopback instead of standalone servers (workloads only;
#               sessions are spread over the three; CPU is summed over the three processes).
#   --quick     3 s runs after 1 s warm-up, 10k and 100k znodes: about 3 minutes in all.
#   default     20 s runs after 5 s warm-up, 100k and 1M znodes: about 15 minutes in all.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

duration=20 warmup=5 clients=16 window=16 size=1024 tick=2000
znodes="100000 1000000" servers="zk,corral" memory=1 out="" ensemble=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) duration=3 warmup=1 znodes="10000 100000"; shift ;;
    --servers) servers=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --znodes) znodes=$2; shift 2 ;;
    --no-memory) memory=0; shift ;;
    --ensemble) ensemble=1 memory=0; shift ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
done
out=${out:-$(mktemp -d /tmp/corral-compare.XXXXXX)}
mkdir -p "$out"
if [ "$ensemble" = 1 ]; then echo "3-node ensembles" >"$out/mode"; else echo standalone >"$out/mode"; fi
log() { echo "== $(date +%T) $*" >&2; }

# --- prerequisites: Debian's ZooKeeper, and a Release build of the corral command ---
if [ ! -f /usr/share/java/zookeeper.jar ]; then
  log "installing Debian's zookeeper package"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q zookeeper
fi
. bench/servers.sh
log "building corral (Release)"
corral_build >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }

started_pid=""    # the server (standalone), or the first of an ensemble
started_pids=()   # every process started by start_server / start_ensemble
# stop_server [--kill]: stops every started process, cleanly or (--kill) as a crash.
stop_server() {
  local pid
  for pid in "${started_pids[@]}"; do server_stop "$pid" "${1:-}"; done
  started_pid="" started_pids=()
}
trap stop_server EXIT

# start_server NAME PORT DIR: starts the server in the background (bench/servers.sh), sets started_pid.
start_server() {
  server_start "$1" "$2" "$3" "$tick"
  started_pid=$server_pid
  started_pids=("$started_pid")
}

# start_ensemble NAME DIR: starts three peers; sets started_pids and hosts (host:port,...).
start_ensemble() {
  local name=$1 dir=$2 ports=() peers=()
  for _ in 1 2 3; do ports+=("$(free_port)"); done
  for _ in 1 2 3 4 5 6; do peers+=("$(free_port)"); done
  case "$name" in
    zk) read -r -a started_pids <<<"$(bench/zk-ensemble.sh "$(IFS=,; echo "${ports[*]}")" "$(IFS=,; echo "${peers[*]}")" "$dir" "$tick")" ;;
  esac
  started_pid=${started_pids[0]}
  hosts="127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}"
}

wait_ready() { server_wait_ready "$@"; }

# timed_restart NAME PORT DIR PATH: starts the server (in this shell, so stop_server can stop it)
# and sets restart_ms to the ms from process start until a read of PATH succeeds; fails if that
# does not happen within 120 s.
timed_restart() {
  local name=$1 port=$2 dir=$3 path=$4 probe begin ready
  restart_ms=null
  "$corral" bench wait-ready --hosts "127.0.0.1:$port" --path "$path" --timeout 120 >"$dir.ready" &
  probe=$!
  begin=$(date +%s%3N)
  start_server "$name" "$port" "$dir"
  wait "$probe" || return 1
  ready=$(sed -n 's/^ready_unix_ms=//p' "$dir.ready")
  restart_ms=$((ready - begin))
}

has_server() {
  case "$1" in
    zk) return 0 ;;
    corral) [ "$ensemble" = 0 ] || { log "corral: no ensemble mode in this build yet"; return 1; }
            "$corral" --help 2>/dev/null | grep -qE '^ +server( |$)' ;;
  esac
}

# name|bench arguments
workloads=("read|--op get" "write|--op set" "mix 90/10|--op mix --read-pct 90" "create-delete|--op create-delete")
failed=0
IFS=, read -r -a server_list <<<"$servers"
for server in "${server_list[@]}"; do
  if ! has_server "$server"; then
    log "$server: no server command in this build; its column stays empty"
    continue
  fi
  dir="$out/$server"; rm -rf "$dir"
  if [ "$ensemble" = 1 ]; then
    start_ensemble "$server" "$dir/run"
    log "$server: 3-node ensemble on $hosts"
  else
    port=$(free_port) hosts="127.0.0.1:$port"
    log "$server: starting on $hosts"
    start_server "$server" "$port" "$dir/run"
  fi
  up=1
  for h in ${hosts//,/ }; do wait_ready "${h##*:}" / 120 >/dev/null || up=0; done
  [ "$up" = 1 ] || { log "$server did not start"; failed=1; stop_server; continue; }
  for w in "${workloads[@]}"; do
    name=${w%%|*} args=${w#*|}
    file="$out/$server-${name%% *}.json"
    log "$server: $name for ${duration}s"
    # shellcheck disable=SC2086
    timeout $((duration + warmup + 120)) "$corral" bench --hosts "$hosts" $args --clients "$clients" \
      --window "$window" --size "$size" --duration "$duration" --warmup "$warmup" --server-pid "${started_pids[@]}" \
      --json "$file" -q >"$dir-${name%% *}.txt" 2>&1 || { cat "$dir-${name%% *}.txt" >&2; failed=1; }
  done
  stop_server

  if [ "$memory" = 1 ]; then
    port=$(free_port)
    log "$server: memory with $znodes znodes of 100 B"
    start_server "$server" "$port" "$dir/mem"
    wait_ready "$port" / 120 >/dev/null || { log "$server did not start"; failed=1; stop_server; continue; }
    sleep 2   # let start-up settle before the empty baseline
    echo "{\"empty_rss_kb\": $(rss_kb "$started_pid")}" >"$out/$server-mem-0.json"
    loaded=0 last=""
    for n in $znodes; do
      part=$((n - loaded))
      "$corral" bench load --hosts "127.0.0.1:$port" --count "$part" --size 100 --parent "/load-$n" \
        --json "$out/$server-load-$n.json" >"$dir-load-$n.txt" 2>&1 || { cat "$dir-load-$n.txt" >&2; failed=1; }
      loaded=$n last="/load-$n/n$(printf %08d $((part - 1)))"
      sleep 2
      rss=$(rss_kb "$started_pid") gc_rss=null
      # The JVM keeps garbage and grown heap until it needs the room: also measure it right after a
      # full collection (jcmd comes with the JDK), which is the floor ZooKeeper could reach.
      if [ "$server" = zk ] && command -v jcmd >/dev/null; then
        jcmd "$started_pid" GC.run >/dev/null 2>&1 && sleep 2 && gc_rss=$(rss_kb "$started_pid")
      fi
      echo "{\"znodes\": $n, \"rss_kb\": $rss, \"rss_after_gc_kb\": $gc_rss}" >"$out/$server-mem-$n.json"
    done
    # First a crash right after loading (kill -9 while serving: the log since the last snapshot
    # is replayed), then a clean stop (SIGTERM) of the restarted server.
    restarts=() notes=()
    for how in kill clean; do
      log "$server: restart holding $loaded znodes after a $how stop"
      if [ "$how" = kill ]; then stop_server --kill; else stop_server; fi
      if timed_restart "$server" "$port" "$dir/mem" "$last"; then
        restarts+=("$restart_ms")
      else
        restarts+=(null) failed=1
        if wait_ready "$port" / 5 >/dev/null; then
          log "$server restarted ($how) but lost its znodes ($last is missing)"; notes+=("lost its znodes after a $how restart")
          break   # they are gone: the next restart cannot have them either
        else
          log "$server did not serve $last within 120 s of a $how restart (see $dir/mem)"; notes+=("no reply within 120 s after a $how restart")
        fi
      fi
    done
    note=$(IFS=';'; echo "${notes[*]:-}")
    echo "{\"znodes\": $loaded, \"restart_after_kill_ms\": ${restarts[0]}, \"restart_ms\": ${restarts[1]:-null}, \"note\": \"$note\"}" >"$out/$server-restart.json"
    stop_server
  fi
done

python3 bench/compare-table.py "$out" | tee "$out/compare.md"
echo "raw results: $out"
exit "$failed"
