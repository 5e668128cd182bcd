#!/usr/bin/env bash
# The test cluster's node: containerd 2.x with gVisor's shim, a CNI bridge, the
# kubelet and a NetworkPolicy enforcer, all configured through gvisor-iac's own
# renderers (test/cluster/node/render.ts) and started as plain processes.
#
#   node.sh up STATE_DIR     start the node for the control plane in STATE_DIR
#   node.sh down STATE_DIR   stop exactly the processes `up` recorded, unmount
#                            and remove what it created
#
# up.sh calls it once the control plane is ready (STATE_DIR holds ca.crt/key,
# admin.kubeconfig, kubelet.kubeconfig, node-name, pids/, logs/).
# Everything lives under STATE_DIR/node except: the bridge gviac0, the address
# 10.87.255.1/32 on lo (the node's InternalIP), the nftables table
# of the enforcer (or, where the kernel cannot run it, kube-router's iptables
# chains and ipsets), and the sysctls net.ipv4.ip_forward and
# net.bridge.bridge-nf-call-iptables (their previous values are restored).
#
# Environment:
#   GVISOR_IAC_POD_SUBNET   pod addresses (default 10.88.0.0/16; local only: no masquerading)
#   GVISOR_IAC_KUBELET_PORT kubelet port on the node IP (default 10250)
#   GVISOR_IAC_KUBE_ROUTER  1 (default): where kube-network-policies cannot run,
#                           run kube-router's policy controller instead; 0: run
#                           no enforcer there (the enforcement checks then skip)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)
TOOLS_BIN=${GVISOR_IAC_TOOLS_BIN:-$REPO_ROOT/.tools/bin}
IMAGES_DIR=$REPO_ROOT/.tools/images
CNI_BIN_DIR=${GVISOR_IAC_CNI_BIN_DIR:-/usr/lib/cni}
POD_SUBNET=${GVISOR_IAC_POD_SUBNET:-10.88.0.0/16}
KUBELET_PORT=${GVISOR_IAC_KUBELET_PORT:-10250}
BRIDGE=gviac0
NODE_IP=10.87.255.1
SANDBOX_IMAGE=gvisor-iac.test/pause:1
# Stop order: dependants first.
NODE_COMPONENTS=(kube-router kube-network-policies kubelet containerd)
# The node claims host-wide names (bridge, node IP, kubelet port): one node per
# machine. This file names the state directory of the node that holds them.
HOST_LOCK=${GVISOR_IAC_NODE_LOCK:-/run/gvisor-iac-node.owner}

say() { printf '[node] %s\n' "$*" >&2; }
fail() { printf '[node] error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 2 ] || fail "usage: node.sh up|down STATE_DIR"
CMD=$1
STATE=$(cd "$2" 2>/dev/null && pwd) || fail "no state directory $2"
NODE=$STATE/node
PIDS=$STATE/pids
LOGS=$STATE/logs
CTR_SOCK=$NODE/containerd/containerd.sock
ADMIN=$STATE/admin.kubeconfig

kubectl_admin() { "$TOOLS_BIN/kubectl" --kubeconfig "$ADMIN" "$@"; }
ctr_k8s() { "$TOOLS_BIN/ctr" --address "$CTR_SOCK" -n k8s.io "$@"; }

# pid_alive NAME: the recorded pid runs and is still the binary we started.
pid_alive() {
  local f=$PIDS/$1.pid pid exe
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "$(basename "${exe% (deleted)}")" = "$1" ]
}

# start NAME ARGS...: .tools/bin/NAME in its own session, log and pid recorded.
start() {
  local name=$1; shift
  setsid "$TOOLS_BIN/$name" "$@" </dev/null >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$PIDS/$name.pid"
  say "started $name (pid $!)"
}

# stop NAME: TERM the recorded pid (only while it runs NAME), KILL after 20s.
stop() {
  local name=$1 pid i
  [ -f "$PIDS/$name.pid" ] || return 0
  pid=$(cat "$PIDS/$name.pid")
  if pid_alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 200); do pid_alive "$name" || break; sleep 0.1; done
    if pid_alive "$name"; then
      say "$name (pid $pid) ignored TERM for 20s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$PIDS/$name.pid"
}

wait_until() {
  local what=$1 seconds=$2; shift 2
  local i
  for i in $(seq 1 $((seconds * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  fail "timed out after ${seconds}s waiting for $what"
}

set_sysctl() {
  local key=$1 value=$2 file
  file=/proc/sys/${key//.//}
  [ -f "$file" ] || fail "sysctl $key is missing (kernel module br_netfilter / bridge?)"
  grep -q "^$key=" "$NODE/sysctl.orig" 2>/dev/null || printf '%s=%s\n' "$key" "$(cat "$file")" >>"$NODE/sysctl.orig"
  echo "$value" >"$file"
}

node_ready() {
  [ "$(kubectl_admin get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

sign_serving_cert() {
  # The kubelet's serving certificate, for the node IP the API server dials
  # (--kubelet-certificate-authority makes it check), signed by the cluster CA.
  local d=$NODE/pki
  mkdir -p "$d"
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$NODE_NAME" \
    -keyout "$d/kubelet.key" -out "$d/kubelet.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:%s,IP:127.0.0.1,DNS:%s,DNS:localhost\n' \
    "$NODE_IP" "$NODE_NAME" >"$d/kubelet.ext"
  openssl x509 -req -in "$d/kubelet.csr" -CA "$STATE/ca.crt" -CAkey "$STATE/ca.key" -CAcreateserial \
    -CAserial "$d/ca.srl" -days 2 -sha256 -extfile "$d/kubelet.ext" -out "$d/kubelet.crt" 2>/dev/null
  chmod 600 "$d/kubelet.key"
}

write_cni_config() {
  mkdir -p "$NODE/cni/net.d" "$NODE/cni/ipam"
  cat >"$NODE/cni/net.d/10-gvisor-iac.conflist" <<CNI
{
  "cniVersion": "1.0.0",
  "name": "gvisor-iac",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$NODE/cni/ipam",
        "ranges": [[{ "subnet": "$POD_SUBNET" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
CNI
}

# gVisor's shim lowers its own oom_score_adj to -999 when it starts, which
# needs CAP_SYS_RESOURCE; VMs like this one drop it from every process's
# bounding set, and the shim then refuses to start ("failed to set OOM Score on
# shim: … permission denied"). It skips that step when it runs in a user
# namespace, which it detects from /proc/self/uid_map. When CAP_SYS_RESOURCE is
# missing, containerd finds this glue first on its PATH: it runs the shim's
# `start` step (only that short-lived process) with a uid_map that reads as a
# user namespace, in a private mount namespace (host mounts still propagate in).
# The shim daemon it forks, runsc and the sandboxes see the real /proc.
write_shim_glue() {
  mkdir -p "$NODE/bin"
  if grep -q '^CapBnd:' /proc/self/status && (( (16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status) >> 24) & 1 )); then
    rm -f "$NODE/bin/containerd-shim-runsc-v1"
    return 0
  fi
  say "no CAP_SYS_RESOURCE here: gVisor's shim starts through $NODE/bin/containerd-shim-runsc-v1 (see docs/node.md)"
  printf '         0          0          1\n' >"$NODE/bin/uid_map"
  cat >"$NODE/bin/containerd-shim-runsc-v1" <<GLUE
#!/bin/sh
# Test-node glue written by test/cluster/node.sh (see there and docs/node.md).
real=$(readlink -f "$TOOLS_BIN/containerd-shim-runsc-v1")
for arg in "\$@"; do last=\$arg; done
if [ "\$last" = start ]; then
  exec unshare -m --propagation slave sh -c 'mount --bind "\$0" /proc/\$\$/uid_map && exec "\$@"' "$NODE/bin/uid_map" "\$real" "\$@"
fi
exec "\$real" "\$@"
GLUE
  chmod 755 "$NODE/bin/containerd-shim-runsc-v1"
}

write_kubelet_config() {
  cat >"$NODE/kubelet/config.yaml" <<KUBELET
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 0
tlsCertFile: $NODE/pki/kubelet.crt
tlsPrivateKeyFile: $NODE/pki/kubelet.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: false }
  x509: { clientCAFile: $STATE/ca.crt }
authorization:
  # Only holders of a certificate from the cluster CA reach the kubelet at all.
  mode: AlwaysAllow
containerRuntimeEndpoint: unix://$CTR_SOCK
imageServiceEndpoint: unix://$CTR_SOCK
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
registerNode: true
staticPodPath: ""
resolvConf: /etc/resolv.conf
serializeImagePulls: false
# Never garbage-collect the locally imported images; never evict on a nearly
# full disk of a CI machine.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
  nodefs.inodesFree: 1%
maxPods: 50
syncFrequency: 10s
fileCheckFrequency: 10s
nodeStatusUpdateFrequency: 5s
runtimeRequestTimeout: 4m
shutdownGracePeriod: 0s
KUBELET
}

# The fallback enforcer: kube-router's network policy controller alone
# (iptables filter chains KUBE-ROUTER-*, KUBE-POD-FW-*, KUBE-NWPLCY-* and
# ipsets KUBE-SRC-*/KUBE-DST-*). Fails, with the reason in KUBE_ROUTER_FAILED,
# when it cannot run (binary or the ipset tool missing, or it exits or
# programs no chains).
KUBE_ROUTER_FAILED=
start_kube_router() {
  [ -x "$TOOLS_BIN/kube-router" ] || { KUBE_ROUTER_FAILED="kube-router is not built (npm run cluster:build)"; return 1; }
  command -v ipset >/dev/null || { KUBE_ROUTER_FAILED="kube-router needs the ipset tool (apt-get install ipset)"; return 1; }
  command -v iptables >/dev/null || { KUBE_ROUTER_FAILED="kube-router needs iptables"; return 1; }
  local service_cidr
  service_cidr=$(sed -n 's/^SERVICE_CIDR=//p' "$STATE/cluster.env" 2>/dev/null)
  # Marks that this node created kube-router's chains and sets (down removes
  # them only then).
  touch "$NODE/kube-router.rules"
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    start kube-router --kubeconfig="$ADMIN" --hostname-override="$NODE_NAME" \
      --run-firewall=true --run-router=false --run-service-proxy=false \
      --service-cluster-ip-range="${service_cidr:-10.96.0.0/12}" \
      --health-port=0 --metrics-port=0 --iptables-sync-period=30s --v=1
  local i
  for i in $(seq 1 60); do
    pid_alive kube-router || { KUBE_ROUTER_FAILED="kube-router exited: $(tail -3 "$LOGS/kube-router.log" | tr -s ' \t\n' ' ')"; return 1; }
    iptables -S KUBE-ROUTER-FORWARD >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  KUBE_ROUTER_FAILED="kube-router programmed no KUBE-ROUTER-FORWARD chain in 30s; see $LOGS/kube-router.log"
  stop kube-router
  return 1
}

# Removes kube-router's filter rules and ipsets (only those of its prefixes,
# and only when this node started it).
clean_kube_router() {
  [ -f "$NODE/kube-router.rules" ] || return 0
  local chain rule set
  for chain in INPUT FORWARD OUTPUT; do
    iptables -S "$chain" 2>/dev/null | grep -E -- '-j KUBE-ROUTER-(INPUT|FORWARD|OUTPUT)( |$)' | while read -r rule; do
      # shellcheck disable=SC2086 # the rule's own words
      eval "iptables ${rule/-A /-D }" 2>/dev/null || true
    done
  done
  for chain in $(iptables -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-(ROUTER-(INPUT|FORWARD|OUTPUT)|POD-FW-|NWPLCY-)/ { print $2 }'); do
    iptables -F "$chain" 2>/dev/null || true
  done
  for chain in $(iptables -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-(ROUTER-(INPUT|FORWARD|OUTPUT)|POD-FW-|NWPLCY-)/ { print $2 }'); do
    iptables -X "$chain" 2>/dev/null || true
  done
  if command -v ipset >/dev/null; then
    for set in $(ipset list -n 2>/dev/null | grep -E '^(inet6:)?KUBE-(SRC|DST)-'); do
      ipset destroy "$set" 2>/dev/null || true
    done
  fi
  rm -f "$NODE/kube-router.rules"
  say "removed kube-router's iptables chains and ipsets"
}

up() {
  local b
  for b in containerd ctr containerd-shim-runc-v2 runsc containerd-shim-runsc-v1 kubelet kubectl kube-network-policies; do
    [ -x "$TOOLS_BIN/$b" ] || fail "$TOOLS_BIN/$b is missing; run npm run cluster:build"
  done
  for b in bridge host-local portmap loopback; do
    [ -x "$CNI_BIN_DIR/$b" ] || fail "CNI plugin $CNI_BIN_DIR/$b is missing (apt-get install containernetworking-plugins)"
  done
  [ -f "$IMAGES_DIR/pause.tar" ] && [ -f "$IMAGES_DIR/busybox.tar" ] || fail "test images missing in $IMAGES_DIR; run npm run cluster:build"
  for b in ca.crt ca.key admin.kubeconfig kubelet.kubeconfig node-name; do
    [ -f "$STATE/$b" ] || fail "$STATE/$b is missing (written by up.sh)"
  done
  NODE_NAME=$(cat "$STATE/node-name")
  if pid_alive kubelet && pid_alive containerd && node_ready; then
    say "node $NODE_NAME already running"
    return 0
  fi
  if [ -f "$HOST_LOCK" ]; then
    local owner
    owner=$(cat "$HOST_LOCK")
    if [ "$owner" != "$STATE" ] && [ -d "$owner/node" ]; then
      fail "another gvisor-iac node (state $owner) runs on this machine; stop it first (node.sh down $owner)"
    fi
  fi
  mkdir -p "$NODE" "$PIDS" "$LOGS" "$NODE/kubelet" "$NODE/logs"
  printf '%s\n' "$STATE" >"$HOST_LOCK"

  # Kernel: packets bridged between pods pass netfilter (the enforcer's
  # nftables hooks see pod-to-pod traffic), and the node routes pod traffic.
  modprobe br_netfilter 2>/dev/null || true
  set_sysctl net.ipv4.ip_forward 1
  set_sysctl net.bridge.bridge-nf-call-iptables 1

  # A FORWARD policy of DROP (dockerd sets one) would cut pods off: accept
  # the pod subnet explicitly (NetworkPolicy drops happen in the enforcer's
  # own nftables table, which an accept here does not override).
  if command -v iptables >/dev/null; then
    iptables -C FORWARD -s "$POD_SUBNET" -m comment --comment gvisor-iac-node -j ACCEPT 2>/dev/null ||
      iptables -I FORWARD -s "$POD_SUBNET" -m comment --comment gvisor-iac-node -j ACCEPT
    iptables -C FORWARD -d "$POD_SUBNET" -m comment --comment gvisor-iac-node -j ACCEPT 2>/dev/null ||
      iptables -I FORWARD -d "$POD_SUBNET" -m comment --comment gvisor-iac-node -j ACCEPT
  fi

  # The node's InternalIP: an address of its own on the loopback interface
  # (not 127/8, which the kubelet refuses), so the kubelet never needs (or
  # advertises) the machine's real address and the API server reaches it locally.
  ip addr replace "$NODE_IP/32" dev lo label lo:gviac
  sign_serving_cert
  write_cni_config

  say "rendering containerd, runsc.toml and RuntimeClasses with gvisor-iac"
  (cd "$REPO_ROOT" && node_modules/.bin/ts-node --transpile-only test/cluster/node/render.ts \
    "$NODE" "$(readlink -f "$TOOLS_BIN/runsc")" "$SANDBOX_IMAGE" "$NODE/cni/net.d" "$CNI_BIN_DIR")

  # containerd finds the shim as containerd-shim-runsc-v1 on its PATH.
  write_shim_glue
  PATH=$NODE/bin:$TOOLS_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    start containerd --config "$NODE/containerd/config.toml"
  wait_until "containerd on $CTR_SOCK" 60 "$TOOLS_BIN/ctr" --address "$CTR_SOCK" version
  ctr_k8s images import "$IMAGES_DIR/pause.tar" >/dev/null
  ctr_k8s images import "$IMAGES_DIR/busybox.tar" >/dev/null
  say "imported $SANDBOX_IMAGE and gvisor-iac.test/busybox:1"

  write_kubelet_config
  PATH=$TOOLS_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    start kubelet --config="$NODE/kubelet/config.yaml" --kubeconfig="$STATE/kubelet.kubeconfig" \
      --root-dir="$NODE/kubelet/root" --cert-dir="$NODE/pki" --hostname-override="$NODE_NAME" \
      --node-ip="$NODE_IP" --v=2
  wait_until "node $NODE_NAME to register" 120 kubectl_admin get node "$NODE_NAME"

  kubectl_admin apply --server-side --field-manager=gvisor-iac-node -f "$NODE/runtimeclasses.yaml" >/dev/null
  say "applied RuntimeClasses: $(kubectl_admin get runtimeclass -o 'jsonpath={.items[*].metadata.name}')"

  start kube-network-policies --kubeconfig="$ADMIN" --node-name="$NODE_NAME" --v=2
  wait_until "node $NODE_NAME to be Ready" 180 node_ready
  sleep 1
  pid_alive kube-network-policies || fail "kube-network-policies exited; see $LOGS/kube-network-policies.log"
  # kube-network-policies sends new connections to an nfqueue from nftables
  # (the nft `queue` expression). Kernels built without CONFIG_NFT_QUEUE (this
  # VM's) refuse its rules: then it enforces nothing, and (unless
  # GVISOR_IAC_KUBE_ROUTER=0) the node runs kube-router's iptables/ipset policy
  # controller in its place.
  rm -f "$NODE/enforcer.unsupported" "$NODE/enforcer"
  local i nft_error=
  for i in $(seq 1 20); do
    if grep -q '"syncing nftables rules" error=' "$LOGS/kube-network-policies.log" 2>/dev/null; then
      nft_error=$(printf 'kube-network-policies cannot program nftables on this kernel (%s): %s' "$(uname -r)" \
        "$(grep -A1 '"syncing nftables rules" error=' "$LOGS/kube-network-policies.log" | tail -1 | tr -s ' \t' ' ')")
      break
    fi
    sleep 0.5
  done
  if [ -z "$nft_error" ]; then
    echo kube-network-policies >"$NODE/enforcer"
  else
    stop kube-network-policies
    if [ "${GVISOR_IAC_KUBE_ROUTER:-1}" = 1 ] && say "$nft_error; falling back to kube-router (iptables + ipset)" &&
      start_kube_router; then
      echo kube-router >"$NODE/enforcer"
    else
      [ "${GVISOR_IAC_KUBE_ROUTER:-1}" = 1 ] ||
        KUBE_ROUTER_FAILED="the kube-router fallback is turned off (GVISOR_IAC_KUBE_ROUTER=0)"
      printf '%s; %s\n' "$nft_error" "$KUBE_ROUTER_FAILED" >"$NODE/enforcer.unsupported"
      say "WARNING: $(cat "$NODE/enforcer.unsupported") — NetworkPolicies are NOT enforced on this node"
    fi
  fi
  [ -f "$NODE/enforcer" ] && say "NetworkPolicy enforcer: $(cat "$NODE/enforcer")"
  say "node $NODE_NAME Ready (InternalIP $NODE_IP, pods $POD_SUBNET, gVisor runtime classes applied)"
}

# kill_tree PID: KILL a process and everything below it (children first listed).
kill_tree() {
  local child
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do kill_tree "$child"; done
  kill -KILL "$1" 2>/dev/null || true
}

down() {
  local c m
  if [ -f "$HOST_LOCK" ] && [ "$(cat "$HOST_LOCK")" != "$STATE" ] && [ -d "$(cat "$HOST_LOCK")/node" ]; then
    # Another node holds the host-wide names: stop only what this state started.
    for c in "${NODE_COMPONENTS[@]}"; do stop "$c"; done
    say "host-wide network setup belongs to $(cat "$HOST_LOCK"); left alone"
    return 0
  fi
  for c in "${NODE_COMPONENTS[@]}"; do stop "$c"; done
  clean_kube_router
  # Sandboxes outlive containerd: stop the ones under our runsc roots.
  if [ -d "$NODE/runsc-root" ] && [ -x "$TOOLS_BIN/runsc" ]; then
    for root in "$NODE"/runsc-root/*/; do
      [ -d "$root" ] || continue
      for id in $("$TOOLS_BIN/runsc" --root "$root" list -q 2>/dev/null); do
        "$TOOLS_BIN/runsc" --root "$root" kill --all "$id" KILL >/dev/null 2>&1 || true
        "$TOOLS_BIN/runsc" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
      done
    done
  fi
  # Shims started for our containerd (their command line names its socket),
  # with the sandbox, gofer and container processes below them.
  local shims=() p
  for p in /proc/[0-9]*; do
    case "$(basename "$(readlink "$p/exe" 2>/dev/null)")" in
      containerd-shim-runsc-v1|containerd-shim-runc-v2) ;;
      *) continue ;;
    esac
    if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -- "$CTR_SOCK" >/dev/null; then shims+=("${p#/proc/}"); fi
  done
  for p in "${shims[@]}"; do kill_tree "$p"; done
  # Mounts under the node directory (volumes, rootfs, the pods' network namespaces: containerd keeps
  # them under its state directory, see render.ts), deepest first.
  if [ -d "$NODE" ]; then
    for m in $(awk -v p="$NODE/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r); do
      umount -l "$m" 2>/dev/null || true
    done
  fi
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE" 2>/dev/null || true
  ip addr del "$NODE_IP/32" dev lo 2>/dev/null || true
  if command -v iptables >/dev/null; then
    while iptables -D FORWARD -s "$POD_SUBNET" -m comment --comment gvisor-iac-node -j ACCEPT 2>/dev/null; do :; done
    while iptables -D FORWARD -d "$POD_SUBNET" -m comment --comment gvisor-iac-node -j ACCEPT 2>/dev/null; do :; done
  fi
  if [ -f "$NODE/sysctl.orig" ]; then
    while IFS== read -r key value; do echo "$value" >"/proc/sys/${key//.//}" || true; done <"$NODE/sysctl.orig"
  fi
  case $NODE in
    */node) rm -rf "$NODE" 2>/dev/null || say "some of $NODE could not be removed" ;;
  esac
  if [ "$(cat "$HOST_LOCK" 2>/dev/null)" = "$STATE" ]; then rm -f "$HOST_LOCK"; fi
  say "node stopped"
}

case $CMD in
  up) up ;;
  down) down ;;
  *) fail "usage: node.sh up|down STATE_DIR" ;;
esac
