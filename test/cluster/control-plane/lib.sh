# Shared by up.sh and down.sh (sourced, not run): where the cluster's state
# lives, which loopback ports it uses, and how its processes are started and
# stopped.
#
# Ports (127.0.0.1 only), chosen away from the usual 2379/6443/102xx so that a
# developer's own cluster keeps running beside this one; each can be moved with
# its environment variable:
#   GVISOR_IAC_ETCD_PORT        23790  etcd clients (TLS, client certificates)
#   GVISOR_IAC_ETCD_PEER_PORT   23800  etcd peers (single member)
#   GVISOR_IAC_APISERVER_PORT   26443  kube-apiserver
#   GVISOR_IAC_KCM_PORT         26257  kube-controller-manager /healthz
#   GVISOR_IAC_SCHEDULER_PORT   26259  kube-scheduler /healthz
set -euo pipefail

CP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$CP_DIR/../../.." && pwd)
TOOLS_BIN=${GVISOR_IAC_TOOLS_BIN:-$REPO_ROOT/.tools/bin}
# The pointer file records the state directory of the running cluster, so that
# `up` reuses it and `down` finds it from any checkout or shell.
POINTER_DIR=${XDG_RUNTIME_DIR:-/tmp}/gvisor-iac-cluster
POINTER=$POINTER_DIR/current

ETCD_PORT=${GVISOR_IAC_ETCD_PORT:-23790}
ETCD_PEER_PORT=${GVISOR_IAC_ETCD_PEER_PORT:-23800}
APISERVER_PORT=${GVISOR_IAC_APISERVER_PORT:-26443}
KCM_PORT=${GVISOR_IAC_KCM_PORT:-26257}
SCHEDULER_PORT=${GVISOR_IAC_SCHEDULER_PORT:-26259}
SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1
POD_CIDR=10.244.0.0/16
NODE_NAME=${GVISOR_IAC_NODE_NAME:-gvisor-iac-node}

# Stop order: dependants first.
COMPONENTS=(kube-scheduler kube-controller-manager kube-apiserver etcd)

say() { printf '[cluster] %s\n' "$*" >&2; }
fail() { printf '[cluster] error: %s\n' "$*" >&2; exit 1; }

current_state_dir() {
  [ -f "$POINTER" ] || return 1
  local d
  d=$(cat "$POINTER")
  [ -n "$d" ] && [ -d "$d" ] || return 1
  printf '%s\n' "$d"
}

# pid_alive STATE NAME: the recorded pid runs and is still the binary we started
# (a reused pid of another program does not count).
pid_alive() {
  local f=$1/pids/$2.pid pid exe
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "$(basename "${exe% (deleted)}")" = "$2" ]
}

port_in_use() {
  ss -Hltn "sport = :$1" 2>/dev/null | grep . >/dev/null
}

# start_component STATE NAME ARGS...: starts .tools/bin/NAME in its own
# session (a Ctrl-C in the starting shell does not reach it), output in
# STATE/logs/NAME.log, pid in STATE/pids/NAME.pid.
start_component() {
  local state=$1 name=$2; shift 2
  setsid "$TOOLS_BIN/$name" "$@" </dev/null >"$state/logs/$name.log" 2>&1 &
  echo $! >"$state/pids/$name.pid"
  say "started $name (pid $!)"
}

# stop_component STATE NAME: TERM, then KILL after 15s, only for the pid we
# recorded and only while it still runs the binary we started.
stop_component() {
  local state=$1 name=$2 pid i
  [ -f "$state/pids/$name.pid" ] || return 0
  pid=$(cat "$state/pids/$name.pid")
  if pid_alive "$state" "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 150); do
      pid_alive "$state" "$name" || break
      sleep 0.1
    done
    if pid_alive "$state" "$name"; then
      say "$name (pid $pid) ignored TERM for 15s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$state/pids/$name.pid"
}

stop_all() {
  local state=$1 c
  for c in "${COMPONENTS[@]}"; do stop_component "$state" "$c"; done
}

# kubeconfig_file PATH USER CERT KEY: a kubeconfig for the cluster, with the
# certificate data embedded so the file stands alone.
kubeconfig_file() {
  local path=$1 user=$2 cert=$3 key=$4 ca=$5 server=${6:-https://127.0.0.1:$APISERVER_PORT}
  cat >"$path" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: gvisor-iac
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$ca")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$cert")
    client-key-data: $(base64 -w0 "$key")
contexts:
- name: $user@gvisor-iac
  context:
    cluster: gvisor-iac
    user: $user
current-context: $user@gvisor-iac
KCFG
  chmod 600 "$path"
}
