#!/usr/bin/env bash
# Builds the Pulumi tools the `pulumi up` tests drive, from Go modules only:
#   pulumi                      CLI (github.com/pulumi/pulumi/pkg/v3, cmd/pulumi)
#   pulumi-resource-kubernetes  Kubernetes provider (github.com/pulumi/pulumi-kubernetes/provider/v4)
# and links them into .tools/bin. Versions come from test/cluster/versions.env.
#
# The Node.js language host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/
# pulumi-language-nodejs/v3) is not built: it has no tags, and the module proxy
# refuses the pseudo-versions of the release commits. The tests drive Pulumi
# through the Automation API's inline programs instead, where the Node.js SDK
# serves the language runtime itself and the CLI connects to it (--client).
# PULUMI_LANGUAGE_NODEJS_VERSION in versions.env names the version to try; set
# it to a served version and this script builds the host as well.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCRIPT=${BASH_SOURCE[0]}

: "${PULUMI_VERSION:?versions.env: PULUMI_VERSION}"
: "${PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION:?versions.env: PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION}"
: "${PULUMI_KUBERNETES_VERSION:?versions.env: PULUMI_KUBERNETES_VERSION}"
: "${PULUMI_KUBERNETES_SDK_GO_VERSION:?versions.env: PULUMI_KUBERNETES_SDK_GO_VERSION}"
PULUMI_LANGUAGE_NODEJS_VERSION=${PULUMI_LANGUAGE_NODEJS_VERSION:-}

LANGHOST_MOD=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
PROVIDER_MOD=github.com/pulumi/pulumi-kubernetes/provider/v4

# True when the module proxy serves the language host at the pinned version.
langhost_served() {
  [ -n "$PULUMI_LANGUAGE_NODEJS_VERSION" ] &&
    go mod download "$LANGHOST_MOD@$PULUMI_LANGUAGE_NODEJS_VERSION" >/dev/null 2>&1
}

# The CLI (and the language host when served), from one wrapper module so the
# packages they share compile once. pkg/v3's own go.mod replaces sdk/v3 with
# ../sdk (the wrapper requires both at the same release instead) and
# atotto/clipboard with a fork (copied here).
build_cli() {
  local out=$1 mod=$1/src
  mkdir -p "$mod"
  cat >"$mod/go.mod" <<MOD
module gvisor-iac.test/pulumi-cli

go 1.25.11

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
  local pkgs=(github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  (
    cd "$mod"
    go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PULUMI_VERSION" \
      "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION"
    if [ "$WITH_LANGHOST" = 1 ]; then
      go get "$LANGHOST_MOD@$PULUMI_LANGUAGE_NODEJS_VERSION" \
        "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION"
      pkgs+=("$LANGHOST_MOD")
    fi
    # The wrapper must not have moved the CLI off its release.
    [ "$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)" = "$PULUMI_VERSION" ] ||
      die "pulumi: pkg/v3 resolved to another version than $PULUMI_VERSION"
    go build -trimpath -o "$out/bin/" \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
      "${pkgs[@]}"
  )
}

# The provider, built in a writable copy of its module: its main package
# embeds schema-embed.json and terraform-mapping-embed.json, which upstream's
# build generates first (`VERSION=… go generate` in cmd/pulumi-resource-kubernetes,
# i.e. `go run generate.go`: schema.json with the version stamped in). Its
# go.mod replaces sdk/v4 with ../sdk, which a module copy does not have; the
# served sdk/v4 release named in versions.env stands in.
build_provider() {
  local out=$1 src=$1/src dir
  dir=$(go mod download -json "$PROVIDER_MOD@$PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || die "pulumi-resource-kubernetes: could not download $PROVIDER_MOD"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  (
    cd "$src"
    go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4 \
      -require="github.com/pulumi/pulumi-kubernetes/sdk/v4@$PULUMI_KUBERNETES_SDK_GO_VERSION"
    (cd cmd/pulumi-resource-kubernetes && VERSION=$PULUMI_KUBERNETES_VERSION go run generate.go)
    [ -s cmd/pulumi-resource-kubernetes/schema-embed.json ] || die "schema generation wrote nothing"
    go build -trimpath -o "$out/bin/" \
      -ldflags "-s -w -X $PROVIDER_MOD/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" \
      ./cmd/pulumi-resource-kubernetes
  )
  rm -rf "$src"
}

WITH_LANGHOST=0
CLI_BINS=(pulumi)
if langhost_served; then
  WITH_LANGHOST=1
  CLI_BINS+=(pulumi-language-nodejs)
else
  log "pulumi-language-nodejs: ${PULUMI_LANGUAGE_NODEJS_VERSION:-(no version)} is not served; inline programs only"
fi

start=$(date +%s)
build_cached pulumi \
  "$(component_dir pulumi "$SCRIPT" "$PULUMI_VERSION" "$WITH_LANGHOST:$PULUMI_LANGUAGE_NODEJS_VERSION")" \
  build_cli "${CLI_BINS[@]}"
build_cached pulumi-resource-kubernetes \
  "$(component_dir pulumi-resource-kubernetes "$SCRIPT" "$PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION" \
    "$PULUMI_KUBERNETES_VERSION" "$PULUMI_KUBERNETES_SDK_GO_VERSION")" \
  build_provider pulumi-resource-kubernetes
log "pulumi tools ready in $(( $(date +%s) - start ))s: $("$TOOLS_BIN/pulumi" version)"
