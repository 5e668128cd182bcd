#!/usr/bin/env bash
# Builds (cached) the helm CLI from its Go module into .tools/bin/helm, for the
# test that runs cdk8s' Helm construct under chart-wide gVisor enforcement.
# Nothing but the Go module proxy is needed.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HELM_VERSION=${HELM_VERSION:-v3.16.4}

build_helm() {
  local out=$1 mod
  mod=$(mktemp -d)
  cat > "$mod/go.mod" <<MOD
module gvisor-iac.test/helm

go 1.24
MOD
  printf '//go:build tools\n\npackage tools\n\nimport _ "helm.sh/helm/v3/cmd/helm"\n' > "$mod/tools.go"
  (
    cd "$mod"
    go get "helm.sh/helm/v3@$HELM_VERSION"
    go mod tidy
    go build -trimpath -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" -o "$out/bin/helm" helm.sh/helm/v3/cmd/helm
  )
  rm -rf "$mod"
}

build_cached helm "$(component_dir helm "${BASH_SOURCE[0]}" "$HELM_VERSION")" build_helm helm
