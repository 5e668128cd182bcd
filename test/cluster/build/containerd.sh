#!/usr/bin/env bash
# Builds containerd 2.x, ctr and the runc v2 shim (containerd-shim-runc-v2) from github.com/containerd/containerd/v2 (pinned
# in versions.env) in a wrapper module, CGO disabled. Snapshotters that need cgo
# or extra kernel/user-space pieces (btrfs, devmapper, zfs) are left out: the
# node uses overlayfs. Result: .tools/bin/{containerd,ctr,containerd-shim-runc-v2}.
# The runc v2 shim runs runsc (BinaryName) where gVisor's own shim cannot
# start: see docs/node.md (CAP_SYS_RESOURCE).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_containerd() {
  local out=$1 pkg=github.com/containerd/containerd/v2
  # A global (not local) so that the EXIT trap still sees it.
  mod=$(mktemp -d)
  trap 'rm -rf "${mod:-}"' EXIT
  cat > "$mod/go.mod" <<MOD
module gvisor-iac.test/tools/containerd

go 1.26

require $pkg $CONTAINERD_VERSION
MOD
  (
    cd "$mod"
    go mod download "$pkg"
    local ldflags="-X $pkg/version.Version=$CONTAINERD_VERSION -X $pkg/version.Revision=gvisor-iac"
    go build -trimpath -tags 'no_btrfs no_devmapper no_zfs' -ldflags "$ldflags" \
      -o "$out/bin/" "$pkg/cmd/containerd" "$pkg/cmd/ctr" "$pkg/cmd/containerd-shim-runc-v2"
  )
}

dir=$(component_dir containerd "${BASH_SOURCE[0]}" "$CONTAINERD_VERSION")
build_cached containerd "$dir" build_containerd containerd ctr containerd-shim-runc-v2
