#!/usr/bin/env bash
# Builds runsc and the containerd shim (containerd-shim-runsc-v1) from the Go
# module gvisor.dev/gvisor (its `go` branch, pinned in versions.env) inside a
# throw-away wrapper module, CGO disabled. Result: .tools/bin/{runsc,containerd-shim-runsc-v1}.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_gvisor() {
  local out=$1
  # A global (not local) so that the EXIT trap still sees it.
  mod=$(mktemp -d)
  trap 'rm -rf "${mod:-}"' EXIT
  cat > "$mod/go.mod" <<MOD
module gvisor-iac.test/tools/gvisor

go 1.26

require gvisor.dev/gvisor $GVISOR_VERSION
MOD
  # `runsc --version`: the go branch carries no release tag, so stamp the
  # commit's date in gVisor's tag format plus the commit
  # (v0.0.0-20260527191743-a81fd9dd382e -> release-20260527.0-go-a81fd9dd382e):
  # release detection then gates features by that date.
  local date=${GVISOR_VERSION#v0.0.0-} commit=${GVISOR_VERSION##*-}
  local stamp="release-${date:0:8}.0-go-$commit"
  (
    cd "$mod"
    go mod download gvisor.dev/gvisor
    # -trimpath keeps the binaries independent of this temp dir.
    go build -trimpath -ldflags "-X gvisor.dev/gvisor/runsc/version.version=$stamp" \
      -o "$out/bin/runsc" gvisor.dev/gvisor/runsc
    go build -trimpath -o "$out/bin/containerd-shim-runsc-v1" gvisor.dev/gvisor/shim
  )
  printf '%s\n' "$GVISOR_VERSION" > "$out/VERSION"
}

dir=$(component_dir gvisor "${BASH_SOURCE[0]}" "$GVISOR_VERSION")
build_cached gvisor "$dir" build_gvisor runsc containerd-shim-runsc-v1
