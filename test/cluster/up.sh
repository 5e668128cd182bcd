#!/usr/bin/env bash
# `npm run cluster:up`: starts a one-node Kubernetes control plane on loopback
# (etcd, kube-apiserver, kube-controller-manager, kube-scheduler from
# .tools/bin, see `npm run cluster:build`) in a temporary state directory, with
# certificates made here, waits until it is ready, then starts the node
# (test/cluster/node.sh, when present and GVISOR_IAC_NODE != 0).
#
# The last line printed is `KUBECONFIG=<path>` (an admin kubeconfig). A cluster
# this script started earlier and that still runs is reused. Ports and the
# state layout: test/cluster/control-plane/lib.sh, docs/cluster.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/control-plane/lib.sh"
. "$HERE/control-plane/certs.sh"

NODE_SH=$HERE/node.sh
node_wanted() { [ -f "$NODE_SH" ] && [ "${GVISOR_IAC_NODE:-1}" != 0 ]; }

readyz() {
  curl -sf --max-time 5 --cacert "$1/ca.crt" --cert "$1/admin.crt" --key "$1/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/readyz" >/dev/null 2>&1
}

start_node() {
  local state=$1
  if node_wanted && [ ! -f "$state/node.ok" ]; then
    say "starting the node: bash test/cluster/node.sh up $state"
    bash "$NODE_SH" up "$state" >&2 || return 1
    touch "$state/node.ok"
  fi
}

# --- reuse a cluster this script started -----------------------------------
if STATE=$(current_state_dir); then
  alive=1
  for c in "${COMPONENTS[@]}"; do pid_alive "$STATE" "$c" || alive=0; done
  if [ "$alive" = 1 ] && readyz "$STATE"; then
    say "reusing the running cluster in $STATE"
    start_node "$STATE" || fail "test/cluster/node.sh up failed (the control plane keeps running; npm run cluster:down stops it)"
    echo "KUBECONFIG=$STATE/admin.kubeconfig"
    exit 0
  fi
  say "the cluster in $STATE is not (fully) running; cleaning it up first"
  bash "$HERE/down.sh" >&2
fi

# --- refuse early and clearly ----------------------------------------------
missing=()
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  [ -x "$TOOLS_BIN/$b" ] || missing+=("$b")
done
[ ${#missing[@]} = 0 ] || fail "missing in $TOOLS_BIN: ${missing[*]} (run: npm run cluster:build)"
for tool in openssl curl ss setsid base64; do
  command -v "$tool" >/dev/null || fail "missing tool on PATH: $tool"
done
for p in ETCD_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT SCHEDULER_PORT; do
  if port_in_use "${!p}"; then
    fail "port 127.0.0.1:${!p} ($p) is already in use by: $(ss -Hltnp "sport = :${!p}" | sed -n 's/.*users:((\(.*\)))/\1/p' | sed -n 1p); stop it or set GVISOR_IAC_${p}"
  fi
done

# --- state directory, certificates, kubeconfigs ----------------------------
STATE=$(mktemp -d "${TMPDIR:-/tmp}/gvisor-iac-cluster.XXXXXX")
chmod 700 "$STATE"
mkdir -p "$STATE/pids" "$STATE/logs" "$POINTER_DIR"
printf '%s\n' "$STATE" >"$POINTER"

on_error() {
  local rc=$?
  trap - ERR EXIT
  [ "$rc" = 0 ] && return 0
  say "cluster:up failed; last lines of the logs in $STATE/logs:"
  for f in "$STATE"/logs/*.log; do
    [ -f "$f" ] || continue
    printf -- '--- %s\n' "$(basename "$f")" >&2
    tail -n 15 "$f" >&2
  done
  if [ "${GVISOR_IAC_KEEP_FAILED:-0}" = 1 ]; then
    say "GVISOR_IAC_KEEP_FAILED=1: leaving $STATE and its processes (npm run cluster:down stops them)"
  else
    bash "$HERE/down.sh" >&2 || true
  fi
  exit "$rc"
}
trap on_error EXIT

say "state directory $STATE"
generate_pki "$STATE"
kubeconfig_file "$STATE/admin.kubeconfig" gvisor-iac-admin "$STATE/admin.crt" "$STATE/admin.key" "$STATE/ca.crt"
kubeconfig_file "$STATE/controller-manager.kubeconfig" system:kube-controller-manager \
  "$STATE/controller-manager.crt" "$STATE/controller-manager.key" "$STATE/ca.crt"
kubeconfig_file "$STATE/scheduler.kubeconfig" system:kube-scheduler \
  "$STATE/scheduler.crt" "$STATE/scheduler.key" "$STATE/ca.crt"
kubeconfig_file "$STATE/kubelet.kubeconfig" "system:node:$NODE_NAME" \
  "$STATE/kubelet-client.crt" "$STATE/kubelet-client.key" "$STATE/ca.crt"
printf '%s\n' "$NODE_NAME" >"$STATE/node-name"
# Facts about this cluster for the node and the tests (sourceable).
cat >"$STATE/cluster.env" <<ENV
APISERVER_URL=https://127.0.0.1:$APISERVER_PORT
NODE_NAME=$NODE_NAME
SERVICE_CIDR=$SERVICE_CIDR
POD_CIDR=$POD_CIDR
CLUSTER_DOMAIN=cluster.local
KUBERNETES_VERSION=$("$TOOLS_BIN/kubectl" version --client -o json | sed -n 's/.*"gitVersion": "\(.*\)".*/\1/p' | sed -n 1p)
ENV

wait_for() {
  local what=$1 secs=$2 comp=$3; shift 3
  local i
  for i in $(seq 1 $((secs * 2))); do
    if "$@"; then say "$what ready after $((i / 2))s"; return 0; fi
    pid_alive "$STATE" "$comp" || fail "$comp exited (see $STATE/logs/$comp.log)"
    sleep 0.5
  done
  fail "$what not ready within ${secs}s (see $STATE/logs/$comp.log)"
}

# --- etcd --------------------------------------------------------------------
start_component "$STATE" etcd \
  --name=gvisor-iac --data-dir="$STATE/etcd" \
  --listen-client-urls="https://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls="https://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="gvisor-iac=http://127.0.0.1:$ETCD_PEER_PORT" \
  --cert-file="$STATE/etcd.crt" --key-file="$STATE/etcd.key" \
  --client-cert-auth --trusted-ca-file="$STATE/ca.crt" \
  --unsafe-no-fsync --log-level=warn
etcd_health() {
  curl -sf --max-time 3 --cacert "$STATE/ca.crt" --cert "$STATE/apiserver-etcd-client.crt" \
    --key "$STATE/apiserver-etcd-client.key" "https://127.0.0.1:$ETCD_PORT/health" | grep '"health":"true"' >/dev/null
}
wait_for etcd 60 etcd etcd_health

# --- kube-apiserver ----------------------------------------------------------
# --allow-privileged stays true: refusing privileged pods is the job of the
# library's admission policies, which the tests prove; a server-wide switch
# would hide whether they work. The endpoint reconciler is off: the
# `kubernetes` Service cannot point at a loopback address (and nothing in the
# cluster routes Service IPs: there is no kube-proxy).
start_component "$STATE" kube-apiserver \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
  --etcd-servers="https://127.0.0.1:$ETCD_PORT" --etcd-cafile="$STATE/ca.crt" \
  --etcd-certfile="$STATE/apiserver-etcd-client.crt" --etcd-keyfile="$STATE/apiserver-etcd-client.key" \
  --tls-cert-file="$STATE/apiserver.crt" --tls-private-key-file="$STATE/apiserver.key" \
  --client-ca-file="$STATE/ca.crt" --anonymous-auth=false \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,NodeRestriction,PodSecurity,RuntimeClass,ResourceQuota,ValidatingAdmissionPolicy,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,DefaultStorageClass,DefaultTolerationSeconds,Priority,PersistentVolumeClaimResize,StorageObjectInUseProtection,TaintNodesByCondition \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$STATE/sa.pub" --service-account-signing-key-file="$STATE/sa.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --kubelet-client-certificate="$STATE/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$STATE/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$STATE/ca.crt" \
  --kubelet-preferred-address-types=InternalIP,Hostname \
  --endpoint-reconciler-type=none \
  --allow-privileged=true --profiling=false --cert-dir="$STATE/apiserver-certs"
wait_for kube-apiserver 180 kube-apiserver readyz "$STATE"

# --- controller manager and scheduler ---------------------------------------
start_component "$STATE" kube-controller-manager \
  --kubeconfig="$STATE/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$STATE/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$STATE/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$STATE/sa.key" --root-ca-file="$STATE/ca.crt" \
  --cluster-signing-cert-file="$STATE/ca.crt" --cluster-signing-key-file="$STATE/ca.key" \
  --allocate-node-cidrs=true --cluster-cidr="$POD_CIDR" --node-cidr-mask-size=24 \
  --service-cluster-ip-range="$SERVICE_CIDR" --profiling=false
start_component "$STATE" kube-scheduler \
  --kubeconfig="$STATE/scheduler.kubeconfig" \
  --authentication-kubeconfig="$STATE/scheduler.kubeconfig" \
  --authorization-kubeconfig="$STATE/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" --leader-elect=false --profiling=false
healthz() { curl -skf --max-time 3 "https://127.0.0.1:$1/healthz" >/dev/null 2>&1; }
wait_for kube-controller-manager 90 kube-controller-manager healthz "$KCM_PORT"
wait_for kube-scheduler 90 kube-scheduler healthz "$SCHEDULER_PORT"
# Namespaces are usable once the controller manager gives them their
# ServiceAccount; wait for the first one so callers can create pods at once.
default_sa() {
  "$TOOLS_BIN/kubectl" --kubeconfig="$STATE/admin.kubeconfig" -n default get serviceaccount default >/dev/null 2>&1
}
wait_for "the default ServiceAccount" 90 kube-controller-manager default_sa

start_node "$STATE" || fail "test/cluster/node.sh up failed"
trap - EXIT
say "control plane up ($(cut -d= -f2 <<<"$(grep KUBERNETES_VERSION "$STATE/cluster.env")")); stop it with: npm run cluster:down"
echo "KUBECONFIG=$STATE/admin.kubeconfig"
