#!/usr/bin/env bash
# Builds the iptables/ipset NetworkPolicy enforcer used when the node's kernel
# cannot run kube-network-policies (no CONFIG_NFT_QUEUE): kube-router's own
# command (github.com/cloudnativelabs/kube-router/v2, pinned in versions.env),
# which node.sh runs firewall-only. Test-only: it enforces policies on the
# loopback test node. Result: .tools/bin/kube-router.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_kube_router() {
  local out=$1
  # A global (not local) so that the EXIT trap still sees it.
  krmod=$(mktemp -d)
  trap 'rm -rf "${krmod:-}"' EXIT
  cat > "$krmod/go.mod" <<MOD
module gvisor-iac.test/tools/kube-router

go 1.26

require github.com/cloudnativelabs/kube-router/v2 $KUBE_ROUTER_VERSION
MOD
  cat > "$krmod/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router"
GO
  (
    cd "$krmod"
    go mod tidy
    go build -trimpath -o "$out/bin/kube-router" github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
  )
}

dir=$(component_dir kube-router "${BASH_SOURCE[0]}" "$KUBE_ROUTER_VERSION")
build_cached kube-router "$dir" build_kube_router kube-router
