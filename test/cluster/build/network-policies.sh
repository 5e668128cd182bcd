#!/usr/bin/env bash
# Builds the NetworkPolicy enforcer: the controller package of
# sigs.k8s.io/kube-network-policies (pinned in versions.env) behind our own
# main (network-policies/main.go, which takes a kubeconfig instead of the
# in-cluster service-account files). Result: .tools/bin/kube-network-policies.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

build_network_policies() {
  local out=$1
  # A global (not local) so that the EXIT trap still sees it.
  mod=$(mktemp -d)
  trap 'rm -rf "${mod:-}"' EXIT
  cat > "$mod/go.mod" <<MOD
module gvisor-iac.test/tools/kube-network-policies

go 1.26

require sigs.k8s.io/kube-network-policies $KUBE_NETWORK_POLICIES_VERSION
MOD
  cp "$here/network-policies/main.go" "$mod/main.go"
  (
    cd "$mod"
    go mod tidy
    go build -trimpath -o "$out/bin/kube-network-policies" .
  )
}

dir=$(component_dir kube-network-policies "${BASH_SOURCE[0]}" "$KUBE_NETWORK_POLICIES_VERSION" \
  "$(sha256sum "$here/network-policies/main.go")")
build_cached kube-network-policies "$dir" build_network_policies kube-network-policies
