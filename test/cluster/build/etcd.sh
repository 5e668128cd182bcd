#!/usr/bin/env bash
# Builds etcd from the Go module go.etcd.io/etcd/server/v3 at $ETCD_VERSION.
#
# The module root is etcd's main package. Its go.mod replaces the sibling etcd
# modules with ../ paths (ignored in a dependency) but also requires them at the
# same release, so a wrapper module that requires the server is enough.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${ETCD_VERSION:?set in test/cluster/versions.env}"

build_etcd() {
  local out=$1 work gomod
  work=$out/src
  mkdir -p "$work"
  gomod=$(go mod download -json "go.etcd.io/etcd/server/v3@$ETCD_VERSION" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [ -f "$gomod" ] || die "etcd: go mod download gave no go.mod for $ETCD_VERSION"
  {
    echo "module gvisor-iac.test/etcd"
    echo
    grep -E '^go ' "$gomod"
    echo
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  } > "$work/go.mod"
  (
    cd "$work"
    go mod download go.etcd.io/etcd/server/v3
    go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" \
      -o "$out/bin/etcd" go.etcd.io/etcd/server/v3
  )
  "$out/bin/etcd" --version | grep "etcd Version: ${ETCD_VERSION#v}" >/dev/null \
    || die "etcd: the binary does not report ${ETCD_VERSION#v}"
}

DIR=$(component_dir etcd "${BASH_SOURCE[0]}" "$ETCD_VERSION" "$(go env GOVERSION)")
build_cached etcd "$DIR" build_etcd etcd
