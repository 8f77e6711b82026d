#!/usr/bin/env bash
# A local Docker engine for machines with no systemd and no route to a registry (docs/DOCKER.md).
#   docker/engine.sh install   install Debian's docker.io (and busybox-static, for the offline base) when missing
#   docker/engine.sh start     start dockerd unless an engine already answers; wait until `docker info` does
#   docker/engine.sh stop      stop the dockerd that `start` started (and only that one)
#   docker/engine.sh status    say whether an engine answers and whether we own it
# The daemon keeps containers off every route out of the machine: no forwarding, no NAT, no iptables rules,
# DNS pointed at a dead local server, published ports on loopback, and a dead proxy for any accidental pull.
set -euo pipefail

state_dir="${CHAOSLAB_ENGINE_DIR:-/tmp/chaoslab-engine}"
pidfile="$state_dir/dockerd.pid"
logfile="$state_dir/dockerd.log"

engine_answers() { docker info >/dev/null 2>&1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_engine() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || missing+=(busybox-static)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "engine: installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

owned_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = dockerd ] && echo "$pid"
}

start_engine() {
  if engine_answers; then
    echo "engine: already answering (not started by chaoslab, will not be stopped by it)"
    return 0
  fi
  install_engine
  mkdir -p "$state_dir"
  # dockerd turns forwarding on by itself unless told not to; turn it off before it starts, in case.
  as_root sysctl -qw net.ipv4.ip_forward=0 || true
  # A FORWARD policy of DROP (left by an earlier dockerd with iptables on) silently breaks container-to-container
  # traffic on one bridge; containers only ever talk inside the pool below.
  if command -v iptables >/dev/null 2>&1 && as_root iptables -S FORWARD 2>/dev/null | grep -q -- '-P FORWARD DROP'; then
    as_root iptables -C FORWARD -s 10.213.0.0/16 -d 10.213.0.0/16 -j ACCEPT 2>/dev/null ||
      as_root iptables -I FORWARD -s 10.213.0.0/16 -d 10.213.0.0/16 -j ACCEPT || true
  fi
  HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
    NO_PROXY= no_proxy= \
    setsid dockerd \
      --iptables=false --ip-masq=false --ip-forward=false --ip 127.0.0.1 \
      --dns 127.0.0.1 --dns-opt timeout:1 --dns-opt attempts:1 \
      --default-address-pool base=10.213.0.0/16,size=24 \
      --pidfile "$pidfile" >"$logfile" 2>&1 </dev/null &
  local deadline=$((SECONDS + 60))
  until engine_answers; do
    if [ $SECONDS -ge $deadline ]; then
      echo "engine: dockerd did not answer within 60 s; its log ($logfile):" >&2
      tail -20 "$logfile" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  echo "engine: dockerd started (pid $(owned_pid || echo '?'), log $logfile)"
}

stop_engine() {
  local pid
  if ! pid="$(owned_pid)"; then
    echo "engine: no dockerd started by chaoslab is running"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 150); do
    [ -d "/proc/$pid" ] || break
    sleep 0.2
  done
  if [ -d "/proc/$pid" ]; then
    echo "engine: dockerd $pid still running after 30 s" >&2
    exit 1
  fi
  rm -f "$pidfile"
  echo "engine: dockerd $pid stopped"
}

status_engine() {
  local pid=""
  pid="$(owned_pid || true)"
  if engine_answers; then
    echo "engine: answering${pid:+ (dockerd $pid, started by chaoslab)}"
  else
    echo "engine: not answering"
    return 1
  fi
}

case "${1:-}" in
  install) install_engine ;;
  start) start_engine ;;
  stop) stop_engine ;;
  status) status_engine ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
