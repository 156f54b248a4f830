#!/usr/bin/env bash
# Runs one command with a Docker engine, on a machine that may have none running and no systemd:
#
#   scripts/docker-engine.sh run [--state DIR] -- COMMAND [ARGS...]
#
# - A daemon already answering (DOCKER_HOST, or the default socket) is used as it is, never stopped.
# - Otherwise Debian's docker.io is installed when missing (root and apt-get needed) and dockerd is started
#   by hand as `dockerd --iptables=false --ip-forward=false --ip-masq=false --bridge=none`, on its own
#   socket, pidfile and exec-root, so nothing else on the host is rewired: no NAT, no forwarding, no
#   firewall rules, and no docker0 bridge left on the host (kubetls's services use network_mode none,
#   service:lab, or the `kind` network; the image build uses the host network). Its own containerd is
#   started by dockerd unless one already answers at /run/containerd/containerd.sock.
# - COMMAND runs with DOCKER_HOST pointing at the engine. Afterwards everything this script started is
#   stopped by the PIDs it recorded (dockerd, then its containerd if still there), also on INT/TERM.
# - One run at a time per machine (flock on /run/lock/kubetls-docker-engine.lock), so parallel test runs
#   do not share or stop each other's engine; KUBETLS_DOCKER_LOCK_WAIT seconds (default 1200) at most.
#
# --state DIR receives dockerd.log and engine.env (DOCKER_HOST, DOCKERD_PID, CONTAINERD_PID, OWNED=1|0),
# so a caller can check afterwards that those PIDs are gone. Exit status: COMMAND's, or 125 when no engine
# could be had (with the reason on stderr).
set -euo pipefail

# shellcheck source=scripts/docker-common.sh
source "$(dirname "$0")/docker-common.sh"

[ "${1:-}" = run ] || die "usage: $0 run [--state DIR] -- COMMAND [ARGS...]"
shift
state=""
while [ $# -gt 0 ]; do
  case "$1" in
  --state)
    state=$2
    shift 2
    ;;
  --)
    shift
    break
    ;;
  *) die "unknown option $1 (usage: $0 run [--state DIR] -- COMMAND [ARGS...])" ;;
  esac
done
[ $# -gt 0 ] || die "no COMMAND given"
state=${state:-$(mktemp -d "${TMPDIR:-/tmp}/kubetls-docker-engine.XXXXXX")}
mkdir -p "$state"
state=$(realpath "$state")

# Where a dockerd of ours lives; /run is a tmpfs on most hosts, so a reboot leaves nothing stale.
engine_dir=/run/kubetls-docker
socket="$engine_dir/docker.sock"
lock=/run/lock/kubetls-docker-engine.lock
lock_wait=${KUBETLS_DOCKER_LOCK_WAIT:-1200}

answers() { timeout 20 docker ${1:+--host "$1"} version --format '{{.Server.Version}}' >/dev/null 2>&1; }

mkdir -p "$(dirname "$lock")"
exec 9>"$lock"
if ! flock -w "$lock_wait" 9; then
  die "another kubetls docker run held $lock for ${lock_wait}s; try again later"
fi

owned=0
dockerd_pid=""
containerd_pid=""
if [ -n "${DOCKER_HOST:-}" ]; then
  answers "$DOCKER_HOST" || die "DOCKER_HOST=$DOCKER_HOST does not answer; unset it to have an engine started here"
  host=$DOCKER_HOST
elif answers ""; then
  host=unix:///var/run/docker.sock
else
  # A dockerd that runs but does not answer where we look may own /var/lib/docker: starting a second one
  # on the same data-root would corrupt it. Tell the operator instead of touching it.
  if running=$(pgrep -x dockerd); then
    die "a dockerd runs (PID $(echo "$running" | tr '\n' ' ')) but does not answer${DOCKER_HOST:+ at $DOCKER_HOST}; set DOCKER_HOST to its socket"
  fi
  command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 || apt_install "$state/apt.log" docker.io
  command -v dockerd >/dev/null 2>&1 || die "dockerd is still missing after installing docker.io"

  mkdir -p "$engine_dir"
  host="unix://$socket"
  setsid dockerd --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
    --host "$host" --pidfile "$engine_dir/dockerd.pid" --exec-root "$engine_dir/exec" \
    >"$state/dockerd.log" 2>&1 </dev/null 9>&- &
  dockerd_pid=$!
  owned=1
fi

stop_engine() {
  [ "$owned" = 1 ] || return 0
  if [ -z "$containerd_pid" ]; then
    containerd_pid=$(pgrep -P "$dockerd_pid" -x containerd || true)
  fi
  if kill -0 "$dockerd_pid" 2>/dev/null; then
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$dockerd_pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$dockerd_pid" 2>/dev/null; then
      echo "docker-engine: dockerd $dockerd_pid ignored TERM for 30s; killing it" >&2
      kill -KILL "$dockerd_pid" 2>/dev/null || true
    fi
  fi
  # dockerd stops the containerd it started; this only catches one left behind by a killed dockerd.
  if [ -n "$containerd_pid" ] && kill -0 "$containerd_pid" 2>/dev/null; then
    for _ in $(seq 1 20); do
      kill -0 "$containerd_pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -TERM "$containerd_pid" 2>/dev/null || true
  fi
  wait "$dockerd_pid" 2>/dev/null || true
}

write_state() {
  {
    echo "DOCKER_HOST=$host"
    echo "OWNED=$owned"
    echo "DOCKERD_PID=$dockerd_pid"
    echo "CONTAINERD_PID=$containerd_pid"
  } >"$state/engine.env"
}

child=""
on_signal() {
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
  wait "$child" 2>/dev/null || true
  exit 130
}
trap 'stop_engine; write_state' EXIT
trap on_signal INT TERM

if [ "$owned" = 1 ]; then
  for _ in $(seq 1 120); do
    answers "$host" && break
    kill -0 "$dockerd_pid" 2>/dev/null || die "dockerd exited at start; last lines of $state/dockerd.log:
$(tail -n 10 "$state/dockerd.log")"
    sleep 0.5
  done
  answers "$host" || die "dockerd did not answer on $host within 60s; see $state/dockerd.log"
  containerd_pid=$(pgrep -P "$dockerd_pid" -x containerd || true)
  echo "docker-engine: started dockerd (PID $dockerd_pid${containerd_pid:+, containerd PID $containerd_pid}) on $host" >&2
fi
write_state

# In the background and waited for, so INT/TERM reach the trap while COMMAND runs.
DOCKER_HOST=$host "$@" 9>&- &
child=$!
status=0
wait "$child" || status=$?
child=""
exit "$status"
